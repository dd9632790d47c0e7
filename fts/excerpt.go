package fts

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Segment is a piece of text, either a matching word or the text between.
// Templates show matches in <mark>; escaping stays the template's job.
type Segment struct {
	Text  string
	Match bool
}

// Highlight splits text into segments, marking every word that matches terms.
func Highlight(text string, terms []Term) []Segment {
	var out []Segment
	add := func(s string, m bool) {
		if s == "" {
			return
		}
		if n := len(out); n > 0 && out[n-1].Match == m {
			out[n-1].Text += s
			return
		}
		out = append(out, Segment{s, m})
	}
	start, inWord := 0, false
	flush := func(end int) {
		seg := text[start:end]
		add(seg, inWord && Matches(seg, terms))
		start = end
	}
	for i, r := range text {
		if w := isWordRune(r); w != inWord {
			flush(i)
			inWord = w
		}
	}
	flush(len(text))
	return out
}

var (
	mdLink   = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	mdMarks  = regexp.MustCompile("(?m)^\\s{0,3}(#{1,6}|>|[-*+]|\\d+\\.)\\s+|[*_`~]+")
	mdSpaces = regexp.MustCompile(`\s+`)
)

// PlainText strips the commonest Markdown from s and joins it to one line.
func PlainText(s string) string {
	s = mdLink.ReplaceAllString(s, "$1")
	s = mdMarks.ReplaceAllString(s, "")
	return strings.TrimSpace(mdSpaces.ReplaceAllString(s, " "))
}

// Excerpt returns about maxWords words of the plain text of s around the
// first word that matches terms (or its beginning), with "…" where cut.
func Excerpt(s string, terms []Term, maxWords int) string {
	s = PlainText(s)
	if s == "" {
		return ""
	}
	fields := strings.Fields(s)
	first := 0
	for i, f := range fields {
		if anyMatch(f, terms) {
			first = i
			break
		}
	}
	from := first - maxWords/4
	if from < 0 {
		from = 0
	}
	to := from + maxWords
	if to > len(fields) {
		to = len(fields)
		if from = to - maxWords; from < 0 {
			from = 0
		}
	}
	out := strings.Join(fields[from:to], " ")
	if utf8.RuneCountInString(out) > maxWords*12 {
		out = string([]rune(out)[:maxWords*12])
		to = -1
	}
	if from > 0 {
		out = "… " + out
	}
	if to != len(fields) {
		out += " …"
	}
	return out
}

func anyMatch(field string, terms []Term) bool {
	for _, w := range Words(field) {
		if Matches(w, terms) {
			return true
		}
	}
	return false
}
