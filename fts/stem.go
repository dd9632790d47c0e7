package fts

// Swedish is the Snowball Swedish stemmer: it strips common inflection
// endings so that "gångvägen" and "gångvägar" both become "gångväg". The word
// must be lower case; the result keeps its diacritics. One addition to
// Snowball: the definite "-an" of words in -a goes too ("skolan" → "skol", as
// "skola" and "skolor"), since search uses the stem as a prefix.
func Swedish(word string) string {
	w := []rune(word)
	r1 := swedishR1(w)
	if hasSuffixIn(w, "an", r1) && len(w) >= 3 && !isSwedishVowel(w[len(w)-3]) {
		return string(swedishStep2(w[:len(w)-2], r1))
	}
	w = swedishStep1(w, r1)
	w = swedishStep2(w, r1)
	w = swedishStep3(w, r1)
	return string(w)
}

func isSwedishVowel(r rune) bool {
	switch r {
	case 'a', 'e', 'i', 'o', 'u', 'y', 'ä', 'å', 'ö':
		return true
	}
	return false
}

// swedishR1 is the start of the region after the first non-vowel that follows
// a vowel, moved so that at least three letters come before it.
func swedishR1(w []rune) int {
	for i := 1; i < len(w); i++ {
		if !isSwedishVowel(w[i]) && isSwedishVowel(w[i-1]) {
			if i+1 < 3 {
				return 3
			}
			return i + 1
		}
	}
	return len(w)
}

// step 1 endings, longest first so the first match is the longest.
var swedishStep1Endings = sortLongestFirst([]string{
	"a", "arna", "erna", "heterna", "orna", "ad", "e", "ade", "ande", "arne", "are", "aste",
	"en", "anden", "aren", "heten", "ern", "ar", "er", "heter", "or", "as", "arnas", "ernas",
	"ornas", "es", "ades", "andes", "ens", "arens", "hetens", "erns", "at", "andet", "het", "ast",
})

func swedishStep1(w []rune, r1 int) []rune {
	for _, e := range swedishStep1Endings {
		if hasSuffixIn(w, e, r1) {
			return w[:len(w)-runeLen(e)]
		}
	}
	if hasSuffixIn(w, "s", r1) && len(w) >= 2 && validSEnding(w[len(w)-2]) {
		return w[:len(w)-1]
	}
	return w
}

func validSEnding(r rune) bool {
	switch r {
	case 'b', 'c', 'd', 'f', 'g', 'h', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'r', 't', 'v', 'y':
		return true
	}
	return false
}

func swedishStep2(w []rune, r1 int) []rune {
	for _, e := range []string{"dd", "gd", "nn", "dt", "gt", "kt", "tt"} {
		if hasSuffixIn(w, e, r1) {
			return w[:len(w)-1]
		}
	}
	return w
}

func swedishStep3(w []rune, r1 int) []rune {
	switch {
	case hasSuffixIn(w, "fullt", r1), hasSuffixIn(w, "löst", r1):
		return w[:len(w)-1]
	case hasSuffixIn(w, "lig", r1), hasSuffixIn(w, "els", r1):
		return w[:len(w)-3]
	case hasSuffixIn(w, "ig", r1):
		return w[:len(w)-2]
	}
	return w
}

// hasSuffixIn reports whether w ends with suffix and the suffix lies in the
// region starting at r1.
func hasSuffixIn(w []rune, suffix string, r1 int) bool {
	s := []rune(suffix)
	start := len(w) - len(s)
	if start < r1 || start < 0 {
		return false
	}
	for i, r := range s {
		if w[start+i] != r {
			return false
		}
	}
	return true
}

func runeLen(s string) int { return len([]rune(s)) }

func sortLongestFirst(ss []string) []string {
	out := append([]string(nil), ss...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && runeLen(out[j]) > runeLen(out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// English strips a few common English endings ("walking", "walked", "walks"
// → "walk"; "library", "libraries" → "librar"). It is deliberately small: prefix
// matching does the rest. The word must be lower case.
func English(word string) string {
	w := []rune(word)
	n := len(w)
	ends := func(s string) bool { return n >= runeLen(s) && string(w[n-runeLen(s):]) == s }
	switch {
	case n > 4 && ends("ies"):
		return string(w[:n-3])
	case n > 4 && ends("y"):
		return string(w[:n-1])
	case n > 5 && ends("ing"):
		return string(w[:n-3])
	case n > 4 && ends("ed"):
		return string(w[:n-2])
	case n > 4 && (ends("sses") || ends("xes") || ends("ches") || ends("shes")):
		return string(w[:n-2])
	case n > 3 && ends("s") && !ends("ss") && !ends("us") && !ends("is"):
		return string(w[:n-1])
	}
	return word
}
