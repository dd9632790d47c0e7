package ortsplan_test

import (
	"math"
	"strings"
	"testing"

	"github.com/ortsplan/ortsplan"
)

func ptr(x float64) *float64 { return &x }

func TestCheckPlace(t *testing.T) {
	// Bettna's own point.
	bettna := &ortsplan.Locality{Lat: ptr(58.9237), Lon: ptr(16.6369)}
	noPoint := &ortsplan.Locality{}
	for _, tc := range []struct {
		name  string
		place ortsplan.Place
		l     *ortsplan.Locality
		want  map[string]string
	}{
		{"nothing", ortsplan.Place{}, bettna, nil},
		{"an address only", ortsplan.Place{Address: "  Korsningen väg 221/52 "}, bettna, nil},
		{"a point near", ortsplan.Place{Lat: ptr(58.93), Lon: ptr(16.64)}, bettna, nil},
		{"latitude alone", ortsplan.Place{Lat: ptr(58.93)}, bettna, map[string]string{"place_lon": "error.place_both"}},
		{"longitude alone", ortsplan.Place{Lon: ptr(16.64)}, bettna, map[string]string{"place_lat": "error.place_both"}},
		{"latitude out of range", ortsplan.Place{Lat: ptr(91), Lon: ptr(16.64)}, bettna, map[string]string{"place_lat": "error.place_lat_range"}},
		{"longitude out of range", ortsplan.Place{Lat: ptr(58.9), Lon: ptr(-181)}, bettna, map[string]string{"place_lon": "error.place_lon_range"}},
		{"not a number", ortsplan.Place{Lat: ptr(math.NaN()), Lon: ptr(math.Inf(1))}, bettna,
			map[string]string{"place_lat": "error.place_lat_range", "place_lon": "error.place_lon_range"}},
		{"swapped", ortsplan.Place{Lat: ptr(16.64), Lon: ptr(58.93)}, bettna, map[string]string{"place_lat": "error.place_too_far"}},
		{"30 km away", ortsplan.Place{Lat: ptr(59.19), Lon: ptr(16.64)}, bettna, map[string]string{"place_lat": "error.place_too_far"}},
		{"far but the locality has no point", ortsplan.Place{Lat: ptr(59.19), Lon: ptr(16.64)}, noPoint, nil},
		{"address too long", ortsplan.Place{Address: strings.Repeat("a", 201)}, bettna, map[string]string{"place_address": "error.too_long"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := ortsplan.ValidationErrors{}
			p := tc.place
			ortsplan.CheckPlace(v, &p, tc.l)
			if len(v) != len(tc.want) {
				t.Fatalf("errors %v, want %v", v, tc.want)
			}
			for k, want := range tc.want {
				if v[k] != want {
					t.Errorf("%s: %q, want %q", k, v[k], want)
				}
			}
			if p.Address != strings.TrimSpace(tc.place.Address) {
				t.Errorf("address %q not trimmed", p.Address)
			}
		})
	}
}

func TestDistanceKm(t *testing.T) {
	for _, tc := range []struct {
		name                   string
		lat1, lon1, lat2, lon2 float64
		want, tol              float64
	}{
		{"same point", 59.05, 16.59, 59.05, 16.59, 0, 1e-9},
		{"one degree of latitude", 59, 16, 60, 16, 111.195, 0.01},
		{"Flen to Malmköping", 59.0586, 16.5880, 59.1333, 16.7333, 11.74, 0.05},
		{"along a parallel shrinks with the cosine", 60, 16, 60, 17, 55.6, 0.1},
	} {
		if got := ortsplan.DistanceKm(tc.lat1, tc.lon1, tc.lat2, tc.lon2); math.Abs(got-tc.want) > tc.tol {
			t.Errorf("%s: %.3f km, want %.3f", tc.name, got, tc.want)
		}
	}
}

func TestPickGrid(t *testing.T) {
	g := ortsplan.NewPickGrid(59.0, 16.5)
	south, north, west, east := g.Bounds()
	if h := ortsplan.DistanceKm(south, 16.5, north, 16.5); math.Abs(h-4) > 0.01 {
		t.Errorf("grid height %.3f km, want 4", h)
	}
	if w := ortsplan.DistanceKm(59, west, 59, east); math.Abs(w-4) > 0.01 {
		t.Errorf("grid width %.3f km at its middle, want 4", w)
	}
	for _, tc := range []struct {
		r, c int
		ok   bool
	}{{0, 0, true}, {7, 7, true}, {3, 4, true}, {-1, 0, false}, {0, 8, false}, {8, 0, false}} {
		lat, lon, ok := g.Cell(tc.r, tc.c)
		if ok != tc.ok {
			t.Errorf("Cell(%d, %d) ok %v, want %v", tc.r, tc.c, ok, tc.ok)
			continue
		}
		if !ok {
			continue
		}
		// The middle of a cell is in that cell, and is rounded to 5 decimals.
		r, c, in := g.CellOf(lat, lon)
		if !in || r != tc.r || c != tc.c {
			t.Errorf("CellOf(Cell(%d, %d)) = %d, %d, %v", tc.r, tc.c, r, c, in)
		}
		if math.Abs(lat*1e5-math.Round(lat*1e5)) > 1e-6 || math.Abs(lon*1e5-math.Round(lon*1e5)) > 1e-6 {
			t.Errorf("Cell(%d, %d) = %v, %v not rounded", tc.r, tc.c, lat, lon)
		}
	}
	// Row 0 is north, column 0 west.
	lat0, lon0, _ := g.Cell(0, 0)
	lat7, lon7, _ := g.Cell(7, 7)
	if !(lat0 > lat7 && lon0 < lon7) {
		t.Errorf("cell (0,0) at %v,%v and (7,7) at %v,%v: want north-west to south-east", lat0, lon0, lat7, lon7)
	}
	if _, _, ok := g.CellOf(north+0.001, 16.5); ok {
		t.Error("a point north of the grid is in a cell")
	}
	if r, c, ok := g.CellOf(south, east); !ok || r != 7 || c != 7 {
		t.Errorf("the south-east corner is in cell %d, %d, %v; want 7, 7", r, c, ok)
	}
}
