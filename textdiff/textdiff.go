// Package textdiff compares two texts word by word, for showing what changed
// between two versions of a public text.
//
// The texts are split into tokens: runs of letters, digits and combining
// marks (words), runs of white space, and single other characters such as
// punctuation. After the common beginning and end are set aside, the token
// sequences are compared with Myers' O(ND) algorithm in linear space, or with
// a dynamic-programming table when the rest is small. The diff is minimal
// unless the texts differ in long stretches, where the search settles for a
// near-minimal diff so that time stays about linear in the length of the
// texts; memory is always linear. The result is then tidied into readable
// operations.
package textdiff

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind says whether an Op's text is in both texts, only the new one, or only
// the old one.
type Kind int

const (
	// Equal text is in both the old and the new text.
	Equal Kind = iota
	// Insert text is only in the new text.
	Insert
	// Delete text is only in the old text.
	Delete
)

// String returns the name of the kind, for debugging and test output.
func (k Kind) String() string {
	switch k {
	case Equal:
		return "Equal"
	case Insert:
		return "Insert"
	case Delete:
		return "Delete"
	}
	return "Kind(?)"
}

// Op is one piece of a diff: a text and whether it was kept, inserted or
// deleted.
type Op struct {
	Kind Kind
	Text string
}

// Words returns the diff of a and b at word level. Whitespace is kept attached
// so that concatenating the Equal and Delete texts gives back a exactly, and
// concatenating the Equal and Insert texts gives back b exactly. Adjacent ops
// never have the same kind, no op has empty text, and within a change the
// Delete comes before the Insert.
func Words(a, b string) []Op {
	if a == b {
		if a == "" {
			return nil
		}
		return []Op{{Equal, a}}
	}
	ta, tb := tokenize(a), tokenize(b)
	ia, ib := intern(ta, tb)
	d := newDiffer(ia, ib)
	d.compare(0, len(ia), 0, len(ib), dpTop)
	return tidy(d.ops(a, b, ta, tb))
}

// Stats counts the words in the inserted and in the deleted texts of ops.
// Punctuation and white space are not words.
func Stats(ops []Op) (inserted, deleted int) {
	for _, op := range ops {
		switch op.Kind {
		case Insert:
			inserted += countWords(op.Text)
		case Delete:
			deleted += countWords(op.Text)
		}
	}
	return inserted, deleted
}

// class is the token class of a rune.
type class int

const (
	classWord class = iota
	classSpace
	classOther
)

func classOf(r rune) class {
	switch {
	case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
		return classWord
	case unicode.IsSpace(r):
		return classSpace
	}
	return classOther
}

// tokenize splits s into words, white-space runs and single other
// characters. The tokens are substrings of s that together make up all of s,
// even when s is not valid UTF-8.
func tokenize(s string) []string {
	toks := make([]string, 0, len(s)/3+1)
	for i := 0; i < len(s); {
		t := firstToken(s[i:])
		toks = append(toks, t)
		i += len(t)
	}
	return toks
}

func countWords(s string) int {
	n := 0
	for _, t := range tokenize(s) {
		r, _ := utf8.DecodeRuneInString(t)
		if classOf(r) == classWord {
			n++
		}
	}
	return n
}

// intern replaces each token by a small integer, equal for equal tokens, so
// that comparisons during the diff are cheap.
func intern(ta, tb []string) (ia, ib []int) {
	ids := make(map[string]int, len(ta))
	conv := func(toks []string) []int {
		out := make([]int, len(toks))
		for i, t := range toks {
			id, ok := ids[t]
			if !ok {
				id = len(ids)
				ids[t] = id
			}
			out[i] = id
		}
		return out
	}
	return conv(ta), conv(tb)
}

// ops turns the marked tokens into maximal runs of deleted, inserted and
// equal text. The runs are slices of the original texts, which the tokens
// make up in order.
func (d *differ) ops(a, b string, ta, tb []string) []Op {
	var out []Op
	i, j := 0, 0   // token indexes
	pa, pb := 0, 0 // byte offsets of tokens i and j
	run := func(s string, toks []string, pos *int, from, to int) string {
		start := *pos
		for _, t := range toks[from:to] {
			*pos += len(t)
		}
		return s[start:*pos]
	}
	for i < len(ta) || j < len(tb) {
		switch {
		case i < len(ta) && d.ca[i]:
			s := i
			for i < len(ta) && d.ca[i] {
				i++
			}
			out = append(out, Op{Delete, run(a, ta, &pa, s, i)})
		case j < len(tb) && d.cb[j]:
			s := j
			for j < len(tb) && d.cb[j] {
				j++
			}
			out = append(out, Op{Insert, run(b, tb, &pb, s, j)})
		default:
			s := i
			for i < len(ta) && j < len(tb) && !d.ca[i] && !d.cb[j] {
				i++
				j++
			}
			if i == s {
				panic("textdiff: inconsistent diff")
			}
			run(b, tb, &pb, j-(i-s), j)
			out = append(out, Op{Equal, run(a, ta, &pa, s, i)})
		}
	}
	return out
}

// tidy makes a diff easier to read. It slides each pure insertion or
// deletion to the best-scoring boundaries (see slide), and folds a
// white-space-only Equal that separates two changes into those changes, so
// that "Delete(a) Insert(b) Equal( ) Delete(c) Insert(d)" reads as
// "Delete(a c) Insert(b d)". A fold is made only when the merged change has
// both deleted and inserted text, so that it never invents a change.
func tidy(ops []Op) []Op {
	ops = normalize(ops)
	for i := 1; i+1 < len(ops); i++ {
		if ops[i].Kind != Equal && ops[i-1].Kind == Equal && ops[i+1].Kind == Equal {
			ops[i-1].Text, ops[i].Text, ops[i+1].Text = slide(ops[i-1].Text, ops[i].Text, ops[i+1].Text)
		}
	}
	ops = normalize(ops)

	out := make([]Op, 0, len(ops))
	var del, ins strings.Builder
	flush := func() {
		if del.Len() > 0 {
			out = append(out, Op{Delete, del.String()})
			del.Reset()
		}
		if ins.Len() > 0 {
			out = append(out, Op{Insert, ins.String()})
			ins.Reset()
		}
	}
	for i := 0; i < len(ops); i++ {
		op := ops[i]
		switch op.Kind {
		case Delete:
			del.WriteString(op.Text)
			continue
		case Insert:
			ins.WriteString(op.Text)
			continue
		}
		if (del.Len() > 0 || ins.Len() > 0) && isSpace(op.Text) {
			// Look at the change that follows this Equal, if any.
			nextDel, nextIns := false, false
			for j := i + 1; j < len(ops) && ops[j].Kind != Equal; j++ {
				nextDel = nextDel || ops[j].Kind == Delete
				nextIns = nextIns || ops[j].Kind == Insert
			}
			if (nextDel || nextIns) && (del.Len() > 0 || nextDel) && (ins.Len() > 0 || nextIns) {
				del.WriteString(op.Text)
				ins.WriteString(op.Text)
				continue
			}
		}
		flush()
		out = append(out, op)
	}
	flush()
	return out
}

// normalize drops empty ops, joins adjacent Equals, and turns each run of
// changes between Equals into at most one Delete followed by one Insert.
func normalize(ops []Op) []Op {
	out := make([]Op, 0, len(ops))
	var eq, del, ins strings.Builder
	flushEq := func() {
		if eq.Len() > 0 {
			out = append(out, Op{Equal, eq.String()})
			eq.Reset()
		}
	}
	flushChange := func() {
		if del.Len() > 0 {
			out = append(out, Op{Delete, del.String()})
			del.Reset()
		}
		if ins.Len() > 0 {
			out = append(out, Op{Insert, ins.String()})
			ins.Reset()
		}
	}
	for _, op := range ops {
		if op.Text == "" {
			continue
		}
		switch op.Kind {
		case Equal:
			flushChange()
			eq.WriteString(op.Text)
		case Delete:
			flushEq()
			del.WriteString(op.Text)
		case Insert:
			flushEq()
			ins.WriteString(op.Text)
		}
	}
	flushEq()
	flushChange()
	return out
}

// slide moves a change c, between the equal texts e1 and e2, token by token
// to where its edges fall best: at the ends of the text, then at blank
// lines, line breaks, ends of sentences, other white space, and
// punctuation, in that order of preference; on a tie, it prefers a change
// that begins with a word, such as "ord " over " ord". The concatenation
// e1+c+e2 is the same before and after.
func slide(e1, c, e2 string) (string, string, string) {
	s := e1 + c + e2
	p, q := len(e1), len(e1)+len(c) // c is s[p:q]
	// Slide as far left as possible.
	for {
		t := lastToken(s[p:q])
		if t == "" || lastToken(s[:p]) != t {
			break
		}
		p -= len(t)
		q -= len(t)
	}
	best, bestP := -1, p
	for {
		score := 2 * (boundaryScore(s, p) + boundaryScore(s, q))
		if r, _ := utf8.DecodeRuneInString(s[p:q]); !unicode.IsSpace(r) {
			score++
		}
		if score > best {
			best, bestP = score, p
		}
		t := firstToken(s[p:q])
		if t == "" || firstToken(s[q:]) != t {
			break
		}
		p += len(t)
		q += len(t)
	}
	p, q = bestP, bestP+len(c)
	return s[:p], s[p:q], s[q:]
}

// boundaryScore rates s[:i] | s[i:] as a place for a change to begin or end:
// 6 at either end of s, 5 at a blank line, 4 at a line break, 3 at white
// space after the end of a sentence, 2 at other white space, 1 next to
// punctuation and 0 inside a run of letters (which tokens never split).
func boundaryScore(s string, i int) int {
	if i == 0 || i == len(s) {
		return 6
	}
	left, right := s[:i], s[i:]
	lws := len(left) - len(strings.TrimRightFunc(left, unicode.IsSpace))
	rws := len(right) - len(strings.TrimLeftFunc(right, unicode.IsSpace))
	if lws+rws > 0 {
		ws := left[len(left)-lws:] + right[:rws]
		switch n := strings.Count(ws, "\n"); {
		case n >= 2:
			return 5
		case n == 1:
			return 4
		}
		if r, _ := utf8.DecodeLastRuneInString(left[:len(left)-lws]); r == '.' || r == '!' || r == '?' {
			return 3
		}
		return 2
	}
	lr, _ := utf8.DecodeLastRuneInString(left)
	rr, _ := utf8.DecodeRuneInString(right)
	if classOf(lr) == classOther || classOf(rr) == classOther {
		return 1
	}
	return 0
}

// firstToken returns the first token of s, or "" if s is empty.
func firstToken(s string) string {
	if s == "" {
		return ""
	}
	r, w := utf8.DecodeRuneInString(s)
	c := classOf(r)
	if c == classOther {
		return s[:w]
	}
	for w < len(s) {
		r2, w2 := utf8.DecodeRuneInString(s[w:])
		if classOf(r2) != c {
			break
		}
		w += w2
	}
	return s[:w]
}

// lastToken returns the last token of s, or "" if s is empty.
func lastToken(s string) string {
	if s == "" {
		return ""
	}
	r, w := utf8.DecodeLastRuneInString(s)
	c := classOf(r)
	i := len(s) - w
	if c == classOther {
		return s[i:]
	}
	for i > 0 {
		r2, w2 := utf8.DecodeLastRuneInString(s[:i])
		if classOf(r2) != c {
			break
		}
		i -= w2
	}
	return s[i:]
}

func isSpace(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) {
			return false
		}
	}
	return s != ""
}
