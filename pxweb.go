package ortsplan

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// The CSV import reads a table as SCB's statistical database (PxWeb,
// statistikdatabasen.scb.se) exports it, "CSV-fil, kommaseparerad" or
// "semikolonseparerad", with or without its title line:
//
//	"Folkmängd efter region, ålder och år"
//
//	"region";"ålder";"Folkmängd 2019";"Folkmängd 2020"
//	"0482 Flen";"0-19 år";3210;3254
//
// What is accepted:
//   - UTF-8, with or without a byte-order mark, or else Latin-1
//     (Windows-1252), as older exports are; a NUL byte refuses the file.
//   - Fields separated by semicolons, commas or tabs (the one that gives the
//     widest header is used), quoted or not.
//   - Lines before the header row (the title, blank lines) are skipped, and
//     so are one-field lines after the table (footnotes).
//   - The header row, in one of two shapes:
//     wide: variable columns, then one column per year, headed "2019" or
//     "Folkmängd 2019" (the same words before every year);
//     long: variable columns, a column headed "år", then one value column
//     (e.g. "Folkmängd").
//   - A variable column headed "region" (any case) names the area; the file
//     must hold one region only. The other variable columns (such as "ålder"
//     or "kön") make the figure's label, joined by ", ".
//   - Values: whole or decimal numbers, with a decimal comma or point, and
//     spaces as thousands separators. ".." (not available) and an empty field
//     are left out, unknown stays unknown; "-" (nothing to report) is 0.
//   - At most MaxImportRows figures, MaxImportBytes bytes.
//
// A line that breaks these rules is refused with its line number; one
// refused line refuses the file, so nothing of it is stored.

// FactRow is one figure read from a table.
type FactRow struct {
	Line  int
	Label string
	Year  int
	Value float64
}

// FactTable is what ParsePxWeb read from a file.
type FactTable struct {
	Title   string // the title line above the table, if any
	Content string // what the values are, e.g. "Folkmängd"
	Region  string // the region column's value, if there is one
	Rows    []FactRow
	// Missing counts the values given as ".." or empty, left out.
	Missing int
}

var yearHead = regexp.MustCompile(`^(?:(.*\S)\s+)?(\d{4})$`)

var plainNumber = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// yearOf reads a year in the range facts take.
func yearOf(s string) (int, bool) {
	if len(s) != 4 {
		return 0, false
	}
	y, err := strconv.Atoi(s)
	return y, err == nil && y >= MinFactYear && y <= MaxFactYear
}

// pxRecord is a CSV record with the line it starts on.
type pxRecord struct {
	line   int
	fields []string
}

// readRecords splits text into records with sep; a broken quote is refused
// with its line.
func readRecords(text string, sep rune) ([]pxRecord, *LineError) {
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = sep
	r.FieldsPerRecord = -1
	var out []pxRecord
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			var pe *csv.ParseError
			line := 0
			if errors.As(err, &pe) {
				line = pe.Line
			}
			return out, &LineError{Line: line, Key: "facts.import.quotes"}
		}
		line, _ := r.FieldPos(0)
		out = append(out, pxRecord{line: line, fields: rec})
	}
}

// headerAt finds the header row: the first record of two or more fields with
// a year column or an "år" column. -1 when there is none.
func headerAt(recs []pxRecord) int {
	for i, rec := range recs {
		if len(rec.fields) < 2 {
			continue
		}
		for _, f := range rec.fields {
			f = strings.TrimSpace(f)
			if m := yearHead.FindStringSubmatch(f); m != nil {
				if _, ok := yearOf(m[2]); ok {
					return i
				}
			}
			if strings.EqualFold(f, "år") {
				return i
			}
		}
	}
	return -1
}

// pxValue reads a value: ok false for one left out (".." or empty).
func pxValue(s string) (v float64, ok bool, bad bool) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '\u202f' {
			return -1
		}
		return r
	}, s)
	switch s {
	case "", "..", "...", "…":
		return 0, false, false
	case "-":
		return 0, true, false
	}
	if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		s = strings.Replace(s, ",", ".", 1)
	}
	if !plainNumber.MatchString(s) {
		return 0, false, true
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false, true
	}
	return v, true, false
}

// ParsePxWeb reads a PxWeb-shaped CSV (see above). It is all or nothing: on
// any refused line it returns an error carrying an *ImportError with every
// refused line (up to MaxImportErrors) and no table.
func ParsePxWeb(data []byte) (*FactTable, error) {
	e := &ImportError{}
	if len(data) > MaxImportBytes {
		e.add(0, "facts.import.too_large", "")
		return nil, e.err()
	}
	if bytes.IndexByte(data, 0) >= 0 {
		e.add(0, "facts.import.binary", "")
		return nil, e.err()
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	text := string(data)
	if !utf8.Valid(data) {
		dec, err := charmap.Windows1252.NewDecoder().Bytes(data)
		if err != nil {
			e.add(0, "facts.import.encoding", "")
			return nil, e.err()
		}
		text = string(dec)
	}

	// The separator that gives the widest header.
	var recs []pxRecord
	head := -1
	var quoteErr *LineError
	for _, sep := range []rune{';', ',', '\t'} {
		rs, qe := readRecords(text, sep)
		h := headerAt(rs)
		if h >= 0 && (head < 0 || len(rs[h].fields) > len(recs[head].fields)) {
			recs, head, quoteErr = rs, h, qe
		}
	}
	if head < 0 {
		e.add(0, "facts.import.no_header", "")
		return nil, e.err()
	}
	if quoteErr != nil {
		e.add(quoteErr.Line, quoteErr.Key, "")
	}
	t := &FactTable{}
	for _, rec := range recs[:head] {
		if len(rec.fields) == 1 && t.Title == "" {
			t.Title = strings.TrimSpace(rec.fields[0])
		}
	}

	// The columns.
	header := recs[head]
	cols := make([]string, len(header.fields))
	for i, f := range header.fields {
		cols[i] = strings.Join(strings.Fields(f), " ")
	}
	regionCol, yearCol, valueCol := -1, -1, -1
	var labelCols []int
	years := map[int]int{} // column → year, in the wide shape
	firstYear := -1
	for i, c := range cols {
		if m := yearHead.FindStringSubmatch(c); m != nil {
			if y, ok := yearOf(m[2]); ok {
				if firstYear < 0 {
					firstYear = i
					t.Content = m[1]
				} else if m[1] != t.Content {
					e.add(header.line, "facts.import.contents", c)
				}
				years[i] = y
				continue
			}
		}
		if firstYear >= 0 {
			e.add(header.line, "facts.import.column_after_years", c)
			continue
		}
		switch {
		case strings.EqualFold(c, "år"):
			yearCol = i
		case yearCol >= 0 && valueCol < 0:
			valueCol, t.Content = i, c
		case yearCol >= 0:
			e.add(header.line, "facts.import.column_after_value", c)
		case strings.HasPrefix(strings.ToLower(c), "region"):
			regionCol = i
		default:
			labelCols = append(labelCols, i)
		}
	}
	if firstYear < 0 && valueCol < 0 {
		e.add(header.line, "facts.import.no_value_column", "")
	}
	if firstYear >= 0 && yearCol >= 0 {
		e.add(header.line, "facts.import.two_shapes", "")
	}
	if err := e.err(); err != nil {
		return nil, err
	}

	// Footnotes: one-field lines at the end.
	body := recs[head+1:]
	for len(body) > 0 && len(body[len(body)-1].fields) == 1 {
		body = body[:len(body)-1]
	}
	seen := map[string]int{}
	regionLine := 0
	for _, rec := range body {
		if blank(rec.fields) {
			continue
		}
		if len(rec.fields) != len(cols) {
			e.add(rec.line, "facts.import.fields", strconv.Itoa(len(rec.fields))+"/"+strconv.Itoa(len(cols)))
			continue
		}
		if regionCol >= 0 {
			reg := strings.TrimSpace(rec.fields[regionCol])
			if regionLine == 0 {
				t.Region, regionLine = reg, rec.line
			} else if reg != t.Region {
				e.add(rec.line, "facts.import.region", reg)
				continue
			}
		}
		var parts []string
		for _, c := range labelCols {
			if p := strings.Join(strings.Fields(rec.fields[c]), " "); p != "" {
				parts = append(parts, p)
			}
		}
		label := strings.Join(parts, ", ")
		add := func(year int, raw string) {
			v, ok, bad := pxValue(raw)
			switch {
			case bad:
				e.add(rec.line, "facts.import.bad_number", strings.TrimSpace(raw))
				return
			case !ok:
				t.Missing++
				return
			}
			key := label + "\x00" + strconv.Itoa(year)
			if first, dup := seen[key]; dup {
				e.add(rec.line, "facts.import.repeated", strconv.Itoa(first))
				return
			}
			seen[key] = rec.line
			t.Rows = append(t.Rows, FactRow{Line: rec.line, Label: label, Year: year, Value: v})
		}
		if firstYear >= 0 {
			for i := firstYear; i < len(cols); i++ {
				add(years[i], rec.fields[i])
			}
		} else {
			y, ok := yearOf(strings.TrimSpace(rec.fields[yearCol]))
			if !ok {
				e.add(rec.line, "facts.import.year_text", strings.TrimSpace(rec.fields[yearCol]))
				continue
			}
			add(y, rec.fields[valueCol])
		}
		if len(t.Rows) > MaxImportRows {
			e.add(rec.line, "facts.import.too_many", "")
			break
		}
	}
	if len(t.Rows) == 0 && len(e.Lines) == 0 {
		e.add(0, "facts.import.empty", "")
	}
	if err := e.err(); err != nil {
		return nil, err
	}
	return t, nil
}

func blank(fields []string) bool {
	for _, f := range fields {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}
