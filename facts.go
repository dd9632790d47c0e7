package ortsplan

import (
	"context"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The picture of a locality that a local development plan (LUP) opens with:
// figures over time (facts), a free-text history, and a SWOT made at the
// stormöten.

// FactMeasure is what a figure about a locality measures: one of a small
// fixed set, each figure naming its part with a label.
type FactMeasure string

// Measures of facts.
const (
	MeasurePopulation FactMeasure = "folkmangd"   // inhabitants; label "" for all of them, or a part such as "kvinnor"
	MeasureAgeGroup   FactMeasure = "aldersgrupp" // inhabitants of an age group; label the group, e.g. "0–19 år"
	MeasureHouseholds FactMeasure = "hushall"     // households; label "" or a kind of household
	MeasureService    FactMeasure = "service"     // services in the locality; label the service, value how many
	MeasureDistance   FactMeasure = "avstand"     // distance in km; label where to, e.g. "Flen"
)

// FactMeasures lists the measures in the order pages show them.
var FactMeasures = []FactMeasure{MeasurePopulation, MeasureAgeGroup, MeasureHouseholds, MeasureService, MeasureDistance}

// Valid reports whether m is a known measure.
func (m FactMeasure) Valid() bool {
	for _, x := range FactMeasures {
		if m == x {
			return true
		}
	}
	return false
}

// Charted reports whether the measure is a count over time that pages draw
// as a chart (services and distances are shown as a table only).
func (m FactMeasure) Charted() bool {
	return m == MeasurePopulation || m == MeasureAgeGroup || m == MeasureHouseholds
}

// Limits of facts.
const (
	MinFactYear     = 1800
	MaxFactYear     = 2100
	MaxFactLabel    = 80
	MaxFactSource   = 200
	MaxFactValue    = 1e9
	MaxImportRows   = 5000 // data rows one CSV import may hold
	MaxImportErrors = 50   // refused rows reported, the rest counted
	// MaxImportBytes bounds a CSV file or pasted text.
	MaxImportBytes = 1 << 20
	// FactListLimit bounds the facts a locality's page shows.
	FactListLimit = 2000
)

// Fact is one figure about a locality in one year, with its source.
// (LocalityID, Measure, Label, Year) is unique: saving the same again
// replaces the value and source.
type Fact struct {
	ID         int64
	LocalityID int64
	Measure    FactMeasure
	Label      string
	Year       int
	Value      float64
	Source     string
	UpdatedAt  time.Time
	// Line is the CSV line the fact was read from (0 when typed in a form),
	// so a refusal can name it.
	Line int
}

// Normalize trims the label and source and folds their inner white space.
func (f *Fact) Normalize() {
	f.Label = strings.Join(strings.Fields(f.Label), " ")
	f.Source = strings.Join(strings.Fields(f.Source), " ")
}

// Validate checks a fact's fields, as field errors of the fact form.
func (f *Fact) Validate() error {
	f.Normalize()
	v := ValidationErrors{}
	if !f.Measure.Valid() {
		v.Add("measure", "error.choose_from_list")
	}
	if utf8.RuneCountInString(f.Label) > MaxFactLabel {
		v.Add("label", "error.too_long")
	}
	if (f.Measure == MeasureAgeGroup || f.Measure == MeasureService || f.Measure == MeasureDistance) && f.Label == "" {
		v.Add("label", "facts.error.label_needed")
	}
	if f.Year < MinFactYear || f.Year > MaxFactYear {
		v.Add("year", "facts.error.year")
	}
	if math.IsNaN(f.Value) || math.IsInf(f.Value, 0) || f.Value < 0 || f.Value > MaxFactValue {
		v.Add("value", "facts.error.value")
	}
	if f.Source == "" {
		v.Add("source", "error.required")
	} else if utf8.RuneCountInString(f.Source) > MaxFactSource {
		v.Add("source", "error.too_long")
	}
	return v.Err()
}

// LineError is one refused line of an import: the line (1-based; 0 for the
// file as a whole), a translation key and the value the key may quote.
type LineError struct {
	Line  int
	Key   string
	Value string
}

// ImportError lists the refused lines of an import, at most MaxImportErrors
// of them (More counts the rest). Nothing of the import is stored.
type ImportError struct {
	Lines []LineError
	More  int
}

// Error implements error.
func (e *ImportError) Error() string {
	return "import refused: " + strconv.Itoa(len(e.Lines)+e.More) + " lines"
}

// fieldKey is the refusal of an imported line for a fact field's error.
func fieldKey(field string) string {
	switch field {
	case "label":
		return "facts.import.bad_label"
	case "year":
		return "facts.import.bad_year"
	case "value":
		return "facts.import.bad_value"
	case "source":
		return "facts.import.source"
	}
	return "facts.import.measure"
}

func (e *ImportError) add(line int, key, value string) {
	if len(e.Lines) >= MaxImportErrors {
		e.More++
		return
	}
	e.Lines = append(e.Lines, LineError{Line: line, Key: key, Value: value})
}

// err returns the import error as an EINVALID error, or nil without lines.
func (e *ImportError) err() error {
	if len(e.Lines) == 0 && e.More == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Key: "facts.import.refused", Err: e}
}

// ImportErrorOf returns the refused lines carried by err, or nil.
func ImportErrorOf(err error) *ImportError {
	for err != nil {
		if e, ok := err.(*ImportError); ok {
			return e
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return nil
		}
		err = u.Unwrap()
	}
	return nil
}

// ImportFacts turns a parsed table into facts of one locality and measure,
// all with the given source, checking each (a refused one names its line).
func ImportFacts(localityID int64, measure FactMeasure, source string, t *FactTable) ([]*Fact, error) {
	e := &ImportError{}
	if !measure.Valid() {
		e.add(0, "facts.import.measure", "")
	}
	source = strings.Join(strings.Fields(source), " ")
	if source == "" || utf8.RuneCountInString(source) > MaxFactSource {
		e.add(0, "facts.import.source", "")
	}
	if err := e.err(); err != nil {
		return nil, err
	}
	out := make([]*Fact, 0, len(t.Rows))
	for _, r := range t.Rows {
		f := &Fact{LocalityID: localityID, Measure: measure, Label: r.Label, Year: r.Year, Value: r.Value, Source: source, Line: r.Line}
		errs := FieldErrors(f.Validate())
		for _, field := range []string{"measure", "label", "year", "value", "source"} {
			if _, bad := errs[field]; bad {
				e.add(r.Line, fieldKey(field), "")
			}
		}
		out = append(out, f)
	}
	if err := e.err(); err != nil {
		return nil, err
	}
	return out, nil
}

// CheckFacts validates facts about to be stored together: each must be valid
// and no two may share a measure, label and year. Refusals name the facts'
// lines.
func CheckFacts(facts []*Fact) error {
	e := &ImportError{}
	seen := map[[3]string]int{}
	for _, f := range facts {
		errs := FieldErrors(f.Validate())
		for _, field := range []string{"measure", "label", "year", "value", "source"} {
			if _, bad := errs[field]; bad {
				e.add(f.Line, fieldKey(field), "")
			}
		}
		k := [3]string{string(f.Measure), f.Label, strconv.Itoa(f.Year)}
		if line, ok := seen[k]; ok {
			e.add(f.Line, "facts.import.repeated", strconv.Itoa(line))
		}
		seen[k] = f.Line
	}
	if len(facts) == 0 {
		e.add(0, "facts.import.empty", "")
	}
	if len(facts) > MaxImportRows {
		e.add(0, "facts.import.too_many", "")
	}
	return e.err()
}

// FactSeries is one label's figures of a measure, by year.
type FactSeries struct {
	Label  string
	Values map[int]float64
	Source map[int]string
}

// FactGroup is a measure's facts for a page: the years in order, and one
// series per label in the order the labels were first stored.
type FactGroup struct {
	Measure FactMeasure
	Years   []int
	Series  []*FactSeries
}

// GroupFacts groups facts by measure (in FactMeasures' order), then label.
// Years run oldest first.
func GroupFacts(facts []*Fact) []*FactGroup {
	byMeasure := map[FactMeasure]*FactGroup{}
	for _, f := range facts {
		g := byMeasure[f.Measure]
		if g == nil {
			g = &FactGroup{Measure: f.Measure}
			byMeasure[f.Measure] = g
		}
		var s *FactSeries
		for _, x := range g.Series {
			if x.Label == f.Label {
				s = x
			}
		}
		if s == nil {
			s = &FactSeries{Label: f.Label, Values: map[int]float64{}, Source: map[int]string{}}
			g.Series = append(g.Series, s)
		}
		s.Values[f.Year], s.Source[f.Year] = f.Value, f.Source
		found := false
		for _, y := range g.Years {
			found = found || y == f.Year
		}
		if !found {
			g.Years = append(g.Years, f.Year)
		}
	}
	var out []*FactGroup
	for _, m := range FactMeasures {
		if g := byMeasure[m]; g != nil {
			sortInts(g.Years)
			out = append(out, g)
		}
	}
	return out
}

func sortInts(a []int) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

// LocalityHistory is a locality's history as a free text (markdown),
// versioned like the vision.
type LocalityHistory struct {
	LocalityID int64
	Body       string
	Version    int
	UpdatedAt  time.Time
}

// MaxHistoryText bounds the history text, in characters.
const MaxHistoryText = 20000

// Validate checks the history text.
func (h *LocalityHistory) Validate() error {
	if utf8.RuneCountInString(h.Body) > MaxHistoryText {
		return FieldError("body", "error.too_long")
	}
	return nil
}

// SWOTKind is a quadrant of a SWOT.
type SWOTKind string

// The quadrants.
const (
	SWOTStrength    SWOTKind = "styrka"
	SWOTWeakness    SWOTKind = "svaghet"
	SWOTOpportunity SWOTKind = "mojlighet"
	SWOTThreat      SWOTKind = "hot"
)

// SWOTKinds lists the quadrants in the order of the acronym.
var SWOTKinds = []SWOTKind{SWOTStrength, SWOTWeakness, SWOTOpportunity, SWOTThreat}

// Valid reports whether k is a quadrant.
func (k SWOTKind) Valid() bool {
	for _, x := range SWOTKinds {
		if k == x {
			return true
		}
	}
	return false
}

// Limits of SWOT items.
const (
	MaxSWOTText   = 500
	MaxSWOTSource = 200
	// SWOTListLimit bounds the items of a locality's SWOT.
	SWOTListLimit = 400
)

// SWOTItem is one point of a locality's SWOT with where it came from: a
// meeting of the locality (MeetingID) or a free-text source.
type SWOTItem struct {
	ID         int64
	LocalityID int64
	Kind       SWOTKind
	Text       string
	MeetingID  int64  // 0 without
	Source     string // free text, e.g. "Enkät 2011"
	// MeetingTitle and MeetingDate are the linked meeting's, as loaded.
	MeetingTitle string
	MeetingDate  time.Time
	Position     int
	UpdatedAt    time.Time
}

// Validate checks an item: a quadrant, a text, and a source of either kind.
func (s *SWOTItem) Validate() error {
	s.Text = strings.TrimSpace(s.Text)
	s.Source = strings.Join(strings.Fields(s.Source), " ")
	v := ValidationErrors{}
	if !s.Kind.Valid() {
		v.Add("kind", "error.choose_from_list")
	}
	if s.Text == "" {
		v.Add("text", "error.required")
	} else if utf8.RuneCountInString(s.Text) > MaxSWOTText {
		v.Add("text", "error.too_long")
	}
	if utf8.RuneCountInString(s.Source) > MaxSWOTSource {
		v.Add("source", "error.too_long")
	}
	if s.MeetingID == 0 && s.Source == "" {
		v.Add("source", "swot.error.source_needed")
	}
	return v.Err()
}

// SourceText is how the item's source reads in the history.
func (s *SWOTItem) SourceText() string {
	if s.MeetingID > 0 && s.MeetingTitle != "" {
		return s.MeetingTitle
	}
	return s.Source
}

// SWOTByKind groups items by quadrant, in SWOTKinds' order, keeping their order.
func SWOTByKind(items []*SWOTItem) map[SWOTKind][]*SWOTItem {
	out := map[SWOTKind][]*SWOTItem{}
	for _, it := range items {
		out[it.Kind] = append(out[it.Kind], it)
	}
	return out
}

// FactService keeps a locality's facts, history text and SWOT. Every change
// is checked against the locality of the row, in the change's transaction.
type FactService interface {
	// Facts lists a locality's facts by measure, label and year (at most FactListLimit).
	Facts(ctx context.Context, localityID int64) ([]*Fact, error)
	// FactPage lists a locality's facts by id after afterID, for the API.
	FactPage(ctx context.Context, localityID, afterID int64, limit int) ([]*Fact, error)
	// SaveFact stores one figure, replacing the one of the same measure, label and year.
	SaveFact(ctx context.Context, f *Fact) error
	// DeleteFact removes a figure (the history keeps what it was).
	DeleteFact(ctx context.Context, id int64) error
	// StoreFacts stores all the facts of an import or none of them.
	StoreFacts(ctx context.Context, localityID int64, facts []*Fact) error
	// FindHistory returns the locality's history text (Version 0 without one).
	FindHistory(ctx context.Context, localityID int64) (*LocalityHistory, error)
	// SaveHistory saves the history text, refusing a stale version.
	SaveHistory(ctx context.Context, h *LocalityHistory) error
	// SWOT lists a locality's SWOT items by quadrant and position.
	SWOT(ctx context.Context, localityID int64) ([]*SWOTItem, error)
	// SWOTPage lists the SWOT items of a locality (0: every locality) by id after afterID, for the API.
	SWOTPage(ctx context.Context, localityID, afterID int64, limit int) ([]*SWOTItem, error)
	// SaveSWOTItem creates (ID 0) or changes a SWOT item.
	SaveSWOTItem(ctx context.Context, it *SWOTItem) error
	// DeleteSWOTItem removes an item (the history keeps it).
	DeleteSWOTItem(ctx context.Context, id int64) error
}
