// Package ical writes meetings as iCalendar (RFC 5545) for calendar apps:
// stable UIDs, Europe/Stockholm times with a VTIMEZONE, and cancelled
// meetings as STATUS:CANCELLED.
package ical

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// Event is one meeting in a calendar.
type Event struct {
	UID          string // stable, e.g. "meeting-12@ortsplan.flen.se"
	Sequence     int    // grows with each change
	Summary      string
	Description  string
	Location     string
	URL          string
	Start, End   time.Time
	Cancelled    bool
	LastModified time.Time
}

// Calendar is a named list of events.
type Calendar struct {
	Name   string
	Events []Event
}

const tzid = "Europe/Stockholm"

// vtimezone describes Swedish time: CET, and CEST from the last Sunday of March
// to the last Sunday of October.
const vtimezone = "BEGIN:VTIMEZONE\r\nTZID:Europe/Stockholm\r\n" +
	"BEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nDTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\n" +
	"BEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nDTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\n" +
	"END:VTIMEZONE\r\n"

var stockholm = func() *time.Location {
	loc, err := time.LoadLocation(tzid)
	if err != nil {
		panic("ical: no time zone data for " + tzid + ": " + err.Error())
	}
	return loc
}()

// Escape escapes a TEXT value (RFC 5545 3.3.11).
func Escape(s string) string {
	r := strings.NewReplacer("\\", "\\\\", ";", "\\;", ",", "\\,", "\r\n", "\\n", "\n", "\\n", "\r", "\\n")
	return r.Replace(s)
}

// fold writes a content line, folding it at 75 octets without splitting a
// UTF-8 character (RFC 5545 3.1).
func fold(w *strings.Builder, line string) {
	const limit = 75
	first := true
	for len(line) > 0 {
		max := limit
		if !first {
			max = limit - 1 // the leading space counts
			w.WriteString(" ")
		}
		if len(line) <= max {
			w.WriteString(line)
			break
		}
		cut := max
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		w.WriteString(line[:cut])
		w.WriteString("\r\n")
		line = line[cut:]
		first = false
	}
	w.WriteString("\r\n")
}

func localTime(t time.Time) string { return t.In(stockholm).Format("20060102T150405") }
func utcTime(t time.Time) string   { return t.UTC().Format("20060102T150405Z") }

// Write writes the calendar; now is the DTSTAMP.
func Write(w io.Writer, cal Calendar, now time.Time) error {
	var b strings.Builder
	line := func(s string) { fold(&b, s) }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//Ortsplan//Ortsplan//SV")
	line("CALSCALE:GREGORIAN")
	line("METHOD:PUBLISH")
	if cal.Name != "" {
		line("X-WR-CALNAME:" + Escape(cal.Name))
	}
	line("X-WR-TIMEZONE:" + tzid)
	b.WriteString(vtimezone)
	for _, e := range cal.Events {
		line("BEGIN:VEVENT")
		line("UID:" + Escape(e.UID))
		line("DTSTAMP:" + utcTime(now))
		line(fmt.Sprintf("SEQUENCE:%d", e.Sequence))
		line("DTSTART;TZID=" + tzid + ":" + localTime(e.Start))
		end := e.End
		if end.IsZero() || !end.After(e.Start) {
			end = e.Start.Add(2 * time.Hour)
		}
		line("DTEND;TZID=" + tzid + ":" + localTime(end))
		line("SUMMARY:" + Escape(e.Summary))
		if e.Location != "" {
			line("LOCATION:" + Escape(e.Location))
		}
		if e.Description != "" {
			line("DESCRIPTION:" + Escape(e.Description))
		}
		if e.URL != "" {
			line("URL:" + e.URL)
		}
		if !e.LastModified.IsZero() {
			line("LAST-MODIFIED:" + utcTime(e.LastModified))
		}
		if e.Cancelled {
			line("STATUS:CANCELLED")
		} else {
			line("STATUS:CONFIRMED")
		}
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
	_, err := io.WriteString(w, b.String())
	return err
}
