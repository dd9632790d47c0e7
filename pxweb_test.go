package ortsplan_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/ortsplan/ortsplan"
)

func TestParsePxWeb(t *testing.T) {
	latin1 := "\"region\";\"\xe5lder\";\"Folkm\xe4ngd 2020\"\r\n\"0482 Flen\";\"0-19 \xe5r\";1 234\r\n"
	tests := []struct {
		name    string
		in      string
		content string
		region  string
		rows    []ortsplan.FactRow
		missing int
	}{
		{
			name: "semicolons, title, quoted, wide with content before the year",
			in: "\"Folkmängd efter region, ålder och år\"\n\n\"region\";\"ålder\";\"Folkmängd 2019\";\"Folkmängd 2020\"\n" +
				"\"0482 Flen\";\"0-19 år\";3210;3254\n\"0482 Flen\";\"20-64 år\";8 011;7 990\n",
			content: "Folkmängd", region: "0482 Flen",
			rows: []ortsplan.FactRow{{4, "0-19 år", 2019, 3210}, {4, "0-19 år", 2020, 3254}, {5, "20-64 år", 2019, 8011}, {5, "20-64 år", 2020, 7990}},
		},
		{
			name:   "commas with a byte-order mark, years alone, no label columns",
			in:     "\ufeff\"region\",\"2015\",\"2020\"\n\"Hälleforsnäs\",1624,1601\n",
			region: "Hälleforsnäs",
			rows:   []ortsplan.FactRow{{2, "", 2015, 1624}, {2, "", 2020, 1601}},
		},
		{
			name:    "long shape: an år column and one value column",
			in:      "region;år;Folkmängd\nSparreholm;2019;750\nSparreholm;2020;\"7,5e2\"\n",
			content: "Folkmängd", region: "Sparreholm",
			rows: nil, // replaced below: 7,5e2 is refused, see the refusals
		},
		{
			name:    "long shape with decimal comma and unquoted tabs",
			in:      "ort\tår\tAvstånd km\nFlen\t2024\t12,5\n",
			content: "Avstånd km",
			rows:    []ortsplan.FactRow{{2, "Flen", 2024, 12.5}},
		},
		{
			name:    "missing values, a dash, footnotes and two label columns",
			in:      "\"region\";\"ålder\";\"kön\";\"2019\";\"2020\"\n\"Flen\";\"65+ år\";\"kvinnor\";..;\"-\"\n\"Flen\";\"65+ år\";\"män\";;410\n\"Uppgifterna avser 31 december\"\n\"Källa: SCB\"\n",
			region:  "Flen",
			rows:    []ortsplan.FactRow{{2, "65+ år, kvinnor", 2020, 0}, {3, "65+ år, män", 2020, 410}},
			missing: 2,
		},
		{
			name:   "Latin-1",
			in:     latin1,
			region: "0482 Flen", content: "Folkmängd",
			rows: []ortsplan.FactRow{{2, "0-19 år", 2020, 1234}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ortsplan.ParsePxWeb([]byte(tt.in))
			if tt.rows == nil {
				if err == nil {
					t.Fatalf("want a refusal, got %+v", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParsePxWeb: %v %+v", err, ortsplan.ImportErrorOf(err))
			}
			if got.Content != tt.content || got.Region != tt.region || got.Missing != tt.missing {
				t.Errorf("content %q region %q missing %d, want %q %q %d", got.Content, got.Region, got.Missing, tt.content, tt.region, tt.missing)
			}
			if !reflect.DeepEqual(got.Rows, tt.rows) {
				t.Errorf("rows\n got %+v\nwant %+v", got.Rows, tt.rows)
			}
		})
	}
}

// TestParsePxWebRefuses: every refused line is named with its number, and a
// refusal returns no table at all.
func TestParsePxWebRefuses(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []ortsplan.LineError
	}{
		{"nothing like a table", "hej\nhopp\n", []ortsplan.LineError{{0, "facts.import.no_header", ""}}},
		{"NUL byte", "region;2019\nFlen;1\x00\n", []ortsplan.LineError{{0, "facts.import.binary", ""}}},
		{"header only", "region;2019\n", []ortsplan.LineError{{0, "facts.import.empty", ""}}},
		{"bad rows among good",
			"\"Titel\"\n\"region\";\"ålder\";\"2019\";\"2020\"\nFlen;0-19;10;11\nFlen;20-64;tio;12\nFlen;65+;1\nFlen;0-19;13;14\nMalmköping;0-19;1;2\nFlen;80+;3,5,1;1\n",
			[]ortsplan.LineError{
				{4, "facts.import.bad_number", "tio"},
				{5, "facts.import.fields", "3/4"},
				{6, "facts.import.repeated", "3"},
				{6, "facts.import.repeated", "3"},
				{7, "facts.import.region", "Malmköping"},
				{8, "facts.import.bad_number", "3,5,1"},
			}},
		{"long shape, bad year", "region;år;Folkmängd\nFlen;20x9;5\nFlen;1700;5\n",
			[]ortsplan.LineError{{2, "facts.import.year_text", "20x9"}, {3, "facts.import.year_text", "1700"}}},
		{"two contents", "region;Folkmängd 2019;Folkökning 2019\nFlen;1;2\n",
			[]ortsplan.LineError{{1, "facts.import.contents", "Folkökning 2019"}}},
		{"a column after the years", "region;2019;ålder\nFlen;1;2\n",
			[]ortsplan.LineError{{1, "facts.import.column_after_years", "ålder"}}},
		{"no value column after år", "region;år\nFlen;2019\n",
			[]ortsplan.LineError{{1, "facts.import.no_value_column", ""}}},
		{"quotes broken", "region;2019\n\"Flen;1\n",
			[]ortsplan.LineError{{2, "facts.import.quotes", ""}}},
		{"NaN is no number", "region;2019\nFlen;NaN\n", []ortsplan.LineError{{2, "facts.import.bad_number", "NaN"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ortsplan.ParsePxWeb([]byte(tt.in))
			if got != nil {
				t.Errorf("a refused file gave a table: %+v", got)
			}
			if ortsplan.ErrorCode(err) != ortsplan.EINVALID || ortsplan.ErrorKey(err) != "facts.import.refused" {
				t.Fatalf("err %v", err)
			}
			ie := ortsplan.ImportErrorOf(err)
			if ie == nil || !reflect.DeepEqual(ie.Lines, tt.want) {
				t.Errorf("lines\n got %+v\nwant %+v", ie.Lines, tt.want)
			}
		})
	}
}

func TestParsePxWebLimits(t *testing.T) {
	var b strings.Builder
	b.WriteString("region;år;Folkmängd\n")
	for i := 0; i < 70; i++ {
		b.WriteString("Flen;år;x\n")
	}
	ie := ortsplan.ImportErrorOf(func() error { _, err := ortsplan.ParsePxWeb([]byte(b.String())); return err }())
	if ie == nil || len(ie.Lines) != ortsplan.MaxImportErrors || ie.More != 70-ortsplan.MaxImportErrors {
		t.Fatalf("errors kept %d, more %d", len(ie.Lines), ie.More)
	}
	if _, err := ortsplan.ParsePxWeb(make([]byte, ortsplan.MaxImportBytes+1)); ortsplan.ImportErrorOf(err).Lines[0].Key != "facts.import.too_large" {
		t.Errorf("too large: %v", err)
	}
}

func TestImportFacts(t *testing.T) {
	tbl := &ortsplan.FactTable{Rows: []ortsplan.FactRow{{3, "0-19 år", 2019, 10}, {4, "", 2019, 5}, {5, "20-64 år", 1500, 1}}}
	_, err := ortsplan.ImportFacts(7, ortsplan.MeasureAgeGroup, "SCB", tbl)
	ie := ortsplan.ImportErrorOf(err)
	want := []ortsplan.LineError{{4, "facts.import.bad_label", ""}, {5, "facts.import.bad_year", ""}}
	if ie == nil || !reflect.DeepEqual(ie.Lines, want) {
		t.Fatalf("got %+v, want %+v", ie, want)
	}
	if _, err := ortsplan.ImportFacts(7, ortsplan.MeasurePopulation, " ", tbl); ortsplan.ImportErrorOf(err).Lines[0].Key != "facts.import.source" {
		t.Errorf("no source: %v", err)
	}
	fs, err := ortsplan.ImportFacts(7, ortsplan.MeasurePopulation, "SCB,  tabell BE0101", &ortsplan.FactTable{Rows: []ortsplan.FactRow{{2, "", 2020, 6577}}})
	if err != nil || len(fs) != 1 || fs[0].Source != "SCB, tabell BE0101" || fs[0].LocalityID != 7 || fs[0].Line != 2 || fs[0].Value != 6577 {
		t.Fatalf("%v %+v", err, fs)
	}
}

func TestFactValidate(t *testing.T) {
	ok := ortsplan.Fact{Measure: ortsplan.MeasurePopulation, Year: 2020, Value: 6577, Source: "Wikipedia"}
	tests := []struct {
		name  string
		edit  func(*ortsplan.Fact)
		field string
	}{
		{"valid", func(*ortsplan.Fact) {}, ""},
		{"unknown measure", func(f *ortsplan.Fact) { f.Measure = "vind" }, "measure"},
		{"age group needs a label", func(f *ortsplan.Fact) { f.Measure = ortsplan.MeasureAgeGroup }, "label"},
		{"label too long", func(f *ortsplan.Fact) { f.Label = strings.Repeat("å", ortsplan.MaxFactLabel+1) }, "label"},
		{"year too early", func(f *ortsplan.Fact) { f.Year = 1799 }, "year"},
		{"negative", func(f *ortsplan.Fact) { f.Value = -1 }, "value"},
		{"no source", func(f *ortsplan.Fact) { f.Source = "  " }, "source"},
	}
	for _, tt := range tests {
		f := ok
		tt.edit(&f)
		errs := ortsplan.FieldErrors(f.Validate())
		if _, bad := errs[tt.field]; (tt.field == "" && len(errs) > 0) || (tt.field != "" && (!bad || len(errs) != 1)) {
			t.Errorf("%s: %v", tt.name, errs)
		}
	}
}

func TestCheckFacts(t *testing.T) {
	a := &ortsplan.Fact{Measure: ortsplan.MeasurePopulation, Year: 2020, Value: 1, Source: "SCB", Line: 2}
	b := &ortsplan.Fact{Measure: ortsplan.MeasurePopulation, Year: 2020, Value: 2, Source: "SCB", Line: 3}
	ie := ortsplan.ImportErrorOf(ortsplan.CheckFacts([]*ortsplan.Fact{a, b}))
	if ie == nil || !reflect.DeepEqual(ie.Lines, []ortsplan.LineError{{3, "facts.import.repeated", "2"}}) {
		t.Errorf("%+v", ie)
	}
	if ortsplan.CheckFacts([]*ortsplan.Fact{a}) != nil || ortsplan.CheckFacts(nil) == nil {
		t.Error("one fact is fine, none is not")
	}
}

func TestGroupFacts(t *testing.T) {
	fs := []*ortsplan.Fact{
		{Measure: ortsplan.MeasureDistance, Label: "Flen", Year: 2024, Value: 12},
		{Measure: ortsplan.MeasurePopulation, Year: 2020, Value: 1601},
		{Measure: ortsplan.MeasurePopulation, Year: 2015, Value: 1624},
	}
	g := ortsplan.GroupFacts(fs)
	if len(g) != 2 || g[0].Measure != ortsplan.MeasurePopulation || !reflect.DeepEqual(g[0].Years, []int{2015, 2020}) ||
		g[0].Series[0].Values[2015] != 1624 || g[1].Measure != ortsplan.MeasureDistance {
		t.Errorf("%+v", g)
	}
}

func TestSWOTItemValidate(t *testing.T) {
	tests := []struct {
		it    ortsplan.SWOTItem
		field string
	}{
		{ortsplan.SWOTItem{Kind: ortsplan.SWOTStrength, Text: "Bruksmiljön", MeetingID: 3}, ""},
		{ortsplan.SWOTItem{Kind: ortsplan.SWOTThreat, Text: "Butiken kan stänga", Source: "Enkät 2011"}, ""},
		{ortsplan.SWOTItem{Kind: "styrkor", Text: "x", Source: "y"}, "kind"},
		{ortsplan.SWOTItem{Kind: ortsplan.SWOTWeakness, Text: " ", Source: "y"}, "text"},
		{ortsplan.SWOTItem{Kind: ortsplan.SWOTWeakness, Text: "x"}, "source"},
		{ortsplan.SWOTItem{Kind: ortsplan.SWOTWeakness, Text: strings.Repeat("x", ortsplan.MaxSWOTText+1), Source: "y"}, "text"},
	}
	for i, tt := range tests {
		errs := ortsplan.FieldErrors(tt.it.Validate())
		if _, bad := errs[tt.field]; (tt.field == "" && len(errs) > 0) || (tt.field != "" && (!bad || len(errs) != 1)) {
			t.Errorf("%d: %v", i, errs)
		}
	}
}

// FuzzParsePxWeb: any input gives a table or a refusal with line numbers
// within the input, never a panic.
func FuzzParsePxWeb(f *testing.F) {
	f.Add([]byte("\"region\";\"ålder\";\"Folkmängd 2019\"\n\"Flen\";\"0-19 år\";3210\n"))
	f.Add([]byte("region,år,Folkmängd\nFlen,2019,\"1,5\"\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		tbl, err := ortsplan.ParsePxWeb(in)
		if (tbl == nil) == (err == nil) {
			t.Fatalf("table %v and error %v", tbl, err)
		}
		lines := strings.Count(string(in), "\n") + 1
		if ie := ortsplan.ImportErrorOf(err); ie != nil {
			for _, l := range ie.Lines {
				if l.Line < 0 || l.Line > lines {
					t.Fatalf("line %d of %d", l.Line, lines)
				}
			}
		}
	})
}
