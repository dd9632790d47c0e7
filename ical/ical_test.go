package ical

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// unfold joins folded lines and splits the calendar into content lines.
func unfold(t *testing.T, s string) []string {
	t.Helper()
	if !strings.HasSuffix(s, "\r\n") {
		t.Fatal("calendar does not end with CRLF")
	}
	var lines []string
	for _, raw := range strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n") {
		if len(raw) > 75 {
			t.Fatalf("line longer than 75 octets: %q", raw)
		}
		if !utf8.ValidString(raw) {
			t.Fatalf("fold split a character: %q", raw)
		}
		if strings.HasPrefix(raw, " ") {
			lines[len(lines)-1] += raw[1:]
			continue
		}
		lines = append(lines, raw)
	}
	return lines
}

func TestWrite(t *testing.T) {
	stockholm, _ := time.LoadLocation("Europe/Stockholm")
	summer := time.Date(2026, 6, 1, 18, 30, 0, 0, stockholm)
	winter := time.Date(2026, 12, 1, 18, 30, 0, 0, stockholm)
	long := strings.Repeat("Åtgärder för gång- och cykelväg; ", 10)
	cal := Calendar{Name: "Ortsplan, Skebokvarn", Events: []Event{
		{UID: "meeting-1@ortsplan.example", Sequence: 3, Summary: "Stormöte, badplatsen", Description: long + "\nRad två",
			Location: "Bygdegården, Kvarnvägen 1", URL: "https://ortsplan.example/moten/1", Start: summer, End: summer.Add(2 * time.Hour)},
		{UID: "meeting-2@ortsplan.example", Summary: "Inställt möte", Start: winter, Cancelled: true},
	}}
	var b strings.Builder
	if err := Write(&b, cal, time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	lines := unfold(t, b.String())
	has := func(want string) {
		t.Helper()
		for _, l := range lines {
			if l == want {
				return
			}
		}
		t.Errorf("missing line %q", want)
	}
	has("BEGIN:VCALENDAR")
	has("VERSION:2.0")
	has("TZID:Europe/Stockholm")
	has("UID:meeting-1@ortsplan.example")
	has("SEQUENCE:3")
	has("DTSTART;TZID=Europe/Stockholm:20260601T183000")
	has("DTEND;TZID=Europe/Stockholm:20260601T203000")
	has("DTSTART;TZID=Europe/Stockholm:20261201T183000")
	has("DTEND;TZID=Europe/Stockholm:20261201T203000") // no end given: two hours
	has("SUMMARY:Stormöte\\, badplatsen")
	has("LOCATION:Bygdegården\\, Kvarnvägen 1")
	has("DESCRIPTION:" + strings.ReplaceAll(long, ";", "\\;") + "\\nRad två")
	has("STATUS:CONFIRMED")
	has("STATUS:CANCELLED")
	has("DTSTAMP:20261125T120000Z")
	has("END:VCALENDAR")
	begins, ends := 0, 0
	for _, l := range lines {
		if strings.HasPrefix(l, "BEGIN:") {
			begins++
		}
		if strings.HasPrefix(l, "END:") {
			ends++
		}
	}
	if begins != ends || begins != 6 {
		t.Errorf("BEGIN/END mismatch: %d/%d", begins, ends)
	}
}

func FuzzEscapeFold(f *testing.F) {
	f.Add("Stormöte; a, b\\c\nd")
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		var b strings.Builder
		Write(&b, Calendar{Events: []Event{{UID: "x", Summary: s, Start: time.Unix(0, 0)}}}, time.Unix(0, 0))
		for _, l := range strings.Split(strings.TrimSuffix(b.String(), "\r\n"), "\r\n") {
			if len(l) > 75 || strings.ContainsAny(l, "\r\n") {
				t.Fatalf("bad line %q", l)
			}
		}
	})
}
