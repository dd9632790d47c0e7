package textdiff

import (
	"math/rand/v2"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestWords(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want []Op
	}{
		{"both empty", "", "", nil},
		{"empty vs text", "", "Ny text.", []Op{{Insert, "Ny text."}}},
		{"text vs empty", "Gammal text.", "", []Op{{Delete, "Gammal text."}}},
		{"identical", "Samma text.", "Samma text.", []Op{{Equal, "Samma text."}}},
		{"one word changed", "Torget får nya bänkar.", "Torget får nya träd.",
			[]Op{{Equal, "Torget får nya "}, {Delete, "bänkar"}, {Insert, "träd"}, {Equal, "."}}},
		{"insert at start", "byggs i år.", "Skolan byggs i år.",
			[]Op{{Insert, "Skolan "}, {Equal, "byggs i år."}}},
		{"insert in middle", "Skolan byggs i år.", "Skolan byggs om i år.",
			[]Op{{Equal, "Skolan byggs "}, {Insert, "om "}, {Equal, "i år."}}},
		{"insert at end", "Skolan byggs", "Skolan byggs i år",
			[]Op{{Equal, "Skolan byggs"}, {Insert, " i år"}}},
		{"delete in middle", "en ny stor park", "en ny park",
			[]Op{{Equal, "en ny "}, {Delete, "stor "}, {Equal, "park"}}},
		{"swedish letters", "Gång- och cykelväg längs ån", "Gång- och cykelväg längs sjön",
			[]Op{{Equal, "Gång- och cykelväg längs "}, {Delete, "ån"}, {Insert, "sjön"}}},
		{"letters are not split", "Hälleforsnäs", "Hälleforsnas",
			[]Op{{Delete, "Hälleforsnäs"}, {Insert, "Hälleforsnas"}}},
		{"punctuation is its own token", "gång- och cykelväg", "gång och cykelväg",
			[]Op{{Equal, "gång"}, {Delete, "-"}, {Equal, " och cykelväg"}}},
		{"paragraphs kept", "Första stycket.\n\nAndra stycket.\n", "Första stycket.\n\nTredje stycket.\n",
			[]Op{{Equal, "Första stycket.\n\n"}, {Delete, "Andra"}, {Insert, "Tredje"}, {Equal, " stycket.\n"}}},
		{"new paragraph", "Ett.\n", "Ett.\n\nTvå.\n",
			[]Op{{Equal, "Ett."}, {Insert, "\n\nTvå."}, {Equal, "\n"}}},
		{"slid to word start", "x a y b z", "x y z",
			[]Op{{Equal, "x "}, {Delete, "a "}, {Equal, "y "}, {Delete, "b "}, {Equal, "z"}}},
		{"repeated sentence", "Ett. Två. Tre.", "Ett. Två. Två. Tre.",
			[]Op{{Equal, "Ett. "}, {Insert, "Två. "}, {Equal, "Två. Tre."}}},
		{"lone space folded", "a röd bil b", "a blå buss b",
			[]Op{{Equal, "a "}, {Delete, "röd bil"}, {Insert, "blå buss"}, {Equal, " b"}}},
		{"space between deletes not folded into an insert", "x a b y", "x y",
			[]Op{{Equal, "x "}, {Delete, "a b "}, {Equal, "y"}}},
		{"lone space folded into mixed changes only", "a b c d", "a X c Y",
			[]Op{{Equal, "a "}, {Delete, "b"}, {Insert, "X"}, {Equal, " c "}, {Delete, "d"}, {Insert, "Y"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Words(tt.a, tt.b)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Words(%q, %q)\n got %q\nwant %q", tt.a, tt.b, got, tt.want)
			}
			checkOps(t, tt.a, tt.b, got)
		})
	}
}

func TestStats(t *testing.T) {
	ops := Words("Gång- och cykelväg byggs 2025, troligen.", "Gång- och cykelväg byggs om 2026!")
	ins, del := Stats(ops)
	// Inserted: "om", "2026"; deleted: "2025", "troligen". Punctuation is not a word.
	if ins != 2 || del != 2 {
		t.Errorf("Stats = %d inserted, %d deleted; want 2, 2 (ops %q)", ins, del, ops)
	}
	if ins, del := Stats(nil); ins != 0 || del != 0 {
		t.Errorf("Stats(nil) = %d, %d", ins, del)
	}
}

func TestTokenize(t *testing.T) {
	got := tokenize("gång- och cykelväg, 45 %\n\nÅÄÖ")
	want := []string{"gång", "-", " ", "och", " ", "cykelväg", ",", " ", "45", " ", "%", "\n\n", "ÅÄÖ"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tokenize = %q, want %q", got, want)
	}
}

// checkOps asserts that ops rebuild a and b and are in normal form.
func checkOps(t *testing.T, a, b string, ops []Op) {
	t.Helper()
	var ra, rb strings.Builder
	for i, op := range ops {
		if op.Text == "" {
			t.Errorf("op %d is empty: %q", i, ops)
		}
		if i > 0 && ops[i-1].Kind == op.Kind {
			t.Errorf("ops %d and %d have the same kind: %q", i-1, i, ops)
		}
		if i > 0 && ops[i-1].Kind == Insert && op.Kind == Delete {
			t.Errorf("insert before delete at %d: %q", i, ops)
		}
		switch op.Kind {
		case Equal:
			ra.WriteString(op.Text)
			rb.WriteString(op.Text)
		case Delete:
			ra.WriteString(op.Text)
		case Insert:
			rb.WriteString(op.Text)
		default:
			t.Fatalf("op %d has kind %v", i, op.Kind)
		}
	}
	if ra.String() != a {
		t.Errorf("Equal+Delete = %q, want %q", ra.String(), a)
	}
	if rb.String() != b {
		t.Errorf("Equal+Insert = %q, want %q", rb.String(), b)
	}
}

var vocabulary = strings.Fields("och i att det som på är en av för med till den har de inte om ett " +
	"Flen Malmköping Sparreholm Hälleforsnäs Mellösa Bettna Skebokvarn park torg skola väg " +
	"gång- cykelväg bänkar träd belysning genomförande år 2025 2026 , . ; : ! ? ( ) – \" å ä ö")

// randomText returns n words from the vocabulary, separated by a space or
// sometimes by a newline or nothing.
func randomText(r *rand.Rand, n int) string {
	var sb strings.Builder
	for i := 0; i < n; i++ {
		sb.WriteString(vocabulary[r.IntN(len(vocabulary))])
		switch r.IntN(12) {
		case 0:
			sb.WriteString("\n\n")
		case 1:
		default:
			sb.WriteByte(' ')
		}
	}
	return sb.String()
}

// edit changes about k words of s at random.
func edit(r *rand.Rand, s string, k int) string {
	words := strings.SplitAfter(s, " ")
	for range k {
		if len(words) == 0 {
			words = append(words, "ny ")
			continue
		}
		i := r.IntN(len(words))
		switch r.IntN(3) {
		case 0:
			words = append(words[:i], words[i+1:]...)
		case 1:
			words[i] = vocabulary[r.IntN(len(vocabulary))] + " "
		default:
			words = append(words[:i], append([]string{vocabulary[r.IntN(len(vocabulary))] + " "}, words[i:]...)...)
		}
	}
	return strings.Join(words, "")
}

func TestReconstructionRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 2000; i++ {
		a := randomText(r, r.IntN(60))
		var b string
		if r.IntN(4) == 0 {
			b = randomText(r, r.IntN(60))
		} else {
			b = edit(r, a, r.IntN(8))
		}
		checkOps(t, a, b, Words(a, b))
		if t.Failed() {
			t.Fatalf("failed on a=%q b=%q", a, b)
		}
	}
}

// TestMyersOptimal checks that the middle-snake search, without the
// dynamic-programming shortcut and without a cost limit, finds as many
// common tokens as the dynamic programming does, and that with a tiny cost
// limit it still finds a valid common subsequence.
func TestMyersOptimal(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 3000; i++ {
		alpha := 2 + r.IntN(6)
		a := randomInts(r, r.IntN(40), alpha)
		b := randomInts(r, r.IntN(40), alpha)
		if r.IntN(2) == 0 {
			b = mutateInts(r, a, alpha, r.IntN(6))
		}

		ref := newDiffer(a, b)
		ref.compare(0, len(a), 0, len(b), dpTop)
		want := common(t, ref)

		m := newDiffer(a, b)
		m.dpLimit, m.costLimit = 0, 1<<30
		m.compare(0, len(a), 0, len(b), 0)
		if got := common(t, m); got != want {
			t.Fatalf("Myers kept %d common tokens, LCS has %d; a=%v b=%v", got, want, a, b)
		}

		h := newDiffer(a, b)
		h.dpLimit, h.costLimit = 0, 1+r.IntN(3)
		h.compare(0, len(a), 0, len(b), 0)
		if got := common(t, h); got > want {
			t.Fatalf("heuristic kept %d > %d common tokens", got, want)
		}
	}
}

func randomInts(r *rand.Rand, n, alpha int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = r.IntN(alpha)
	}
	return s
}

func mutateInts(r *rand.Rand, a []int, alpha, k int) []int {
	b := append([]int(nil), a...)
	for range k {
		i := r.IntN(len(b) + 1)
		if i < len(b) && r.IntN(2) == 0 {
			b = append(b[:i], b[i+1:]...)
		} else {
			b = append(b[:i], append([]int{r.IntN(alpha)}, b[i:]...)...)
		}
	}
	return b
}

// common returns the number of unchanged tokens, after checking that the
// unchanged tokens of a and b are the same sequence.
func common(t *testing.T, d *differ) int {
	t.Helper()
	var ka, kb []int
	for i, c := range d.ca {
		if !c {
			ka = append(ka, d.a[i])
		}
	}
	for j, c := range d.cb {
		if !c {
			kb = append(kb, d.b[j])
		}
	}
	if !reflect.DeepEqual(ka, kb) {
		t.Fatalf("unchanged tokens differ: %v vs %v (a=%v b=%v)", ka, kb, d.a, d.b)
	}
	return len(ka)
}

// TestLarge checks big texts, similar ones and unrelated ones: the diff is
// right and its memory bounded. Its speed is measured by BenchmarkWordsLarge,
// not asserted here.
func TestLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("large texts")
	}
	r := rand.New(rand.NewPCG(5, 6))
	a := randomText(r, 20000)
	cases := map[string]string{
		"few changes": edit(r, a, 300),
		"unrelated":   randomText(r, 20000),
		"reversed":    reverseWords(a),
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			ops := Words(a, b)
			el := time.Since(start)
			runtime.ReadMemStats(&after)
			alloc := after.TotalAlloc - before.TotalAlloc
			checkOps(t, a, b, ops)
			ins, del := Stats(ops)
			t.Logf("%v, %.1f MB allocated, %d ops, %d words inserted, %d deleted",
				el, float64(alloc)/1e6, len(ops), ins, del)
			if limit := uint64(64 << 20); alloc > limit {
				t.Errorf("allocated %d bytes, want under %d", alloc, limit)
			}
		})
	}
}

func reverseWords(s string) string {
	w := strings.Fields(s)
	for i, j := 0, len(w)-1; i < j; i, j = i+1, j-1 {
		w[i], w[j] = w[j], w[i]
	}
	return strings.Join(w, " ")
}

func FuzzWords(f *testing.F) {
	f.Add("", "")
	f.Add("Gång- och cykelväg längs ån.", "Gång och cykelväg längs sjön!")
	f.Add("Första stycket.\n\nAndra.", "Första.\n\nAndra stycket.")
	f.Add("a b c", "c b a")
	f.Add("\xff\xfe ogiltig", "ogiltig \xff")
	f.Fuzz(func(t *testing.T, a, b string) {
		checkOps(t, a, b, Words(a, b))
	})
}

func BenchmarkWords(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	x := randomText(r, 5000)
	y := edit(r, x, 300)
	b.SetBytes(int64(len(x) + len(y)))
	b.ReportAllocs()
	for b.Loop() {
		Words(x, y)
	}
}

// BenchmarkWordsLarge times the test's big texts: 20,000 words each,
// unrelated and reversed, the worst cases.
func BenchmarkWordsLarge(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	a := randomText(r, 20000)
	for name, y := range map[string]string{"unrelated": randomText(r, 20000), "reversed": reverseWords(a)} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Words(a, y)
			}
		})
	}
}

func TestSlide(t *testing.T) {
	tests := []struct{ e1, c, e2, want1, wantC, want2 string }{
		// A change that begins with white space moves to begin with the word.
		{"x y", " b", " z", "x y ", "b ", "z"},
		// Towards a line break.
		{"Ett.\nTvå", ".\nTvå", ".\nSlut", "Ett.\n", "Två.\n", "Två.\nSlut"},
		// Towards the end of the text.
		{"Ett.\nTvå", ".\nTvå", ".\n", "Ett.\nTvå.\n", "Två.\n", ""},
		// Nothing to slide.
		{"a ", "b", " c", "a ", "b", " c"},
	}
	for _, tt := range tests {
		g1, gc, g2 := slide(tt.e1, tt.c, tt.e2)
		if g1 != tt.want1 || gc != tt.wantC || g2 != tt.want2 {
			t.Errorf("slide(%q, %q, %q) = %q, %q, %q; want %q, %q, %q",
				tt.e1, tt.c, tt.e2, g1, gc, g2, tt.want1, tt.wantC, tt.want2)
		}
	}
}
