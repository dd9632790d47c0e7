package svgmap

import "testing"

func TestMemoRemembers(t *testing.T) {
	var m Memo // the zero Memo is ready to use
	opt := Options{Title: "Orter i Flen", Desc: "Karta", ID: "map"}
	first := m.Render(flen, opt)
	if want := Render(flen, opt); first != want {
		t.Fatalf("Memo.Render differs from Render:\n%s\nwant\n%s", first, want)
	}
	hits := m.maps.Stats().Hits
	if second := m.Render(flen, opt); second != first {
		t.Fatalf("second Memo.Render differs from the first:\n%s\nfirst\n%s", second, first)
	}
	if got := m.maps.Stats().Hits; got != hits+1 {
		t.Fatalf("second Memo.Render made %d cache hits, want 1 (it drew the map again)", got-hits)
	}
}

func TestMemoKeysOnPointsAndOptions(t *testing.T) {
	var m Memo
	moved := append([]Point(nil), flen...)
	moved[0].Lat += 0.01
	renamed := append([]Point(nil), flen...)
	renamed[1].Label = "Malmköping centrum"
	cases := []struct {
		name   string
		points []Point
		opt    Options
	}{
		{"first", flen, Options{ID: "map"}},
		{"other title", flen, Options{ID: "map", Title: "Orter"}},
		{"other size", flen, Options{ID: "map", Width: 300, Height: 200}},
		{"moved point", moved, Options{ID: "map"}},
		{"renamed point", renamed, Options{ID: "map"}},
		{"fewer points", flen[:3], Options{ID: "map"}},
	}
	for _, tc := range cases {
		if got, want := m.Render(tc.points, tc.opt), Render(tc.points, tc.opt); got != want {
			t.Errorf("%s: Memo.Render differs from Render (a stale map from another key?)", tc.name)
		}
	}
}
