package ortsplan

import (
	"math"
	"strings"
)

// Place is where an action of the plan or an idea is meant to happen: a
// point (WGS 84 degrees), an address or description of the spot, or both.
// The zero Place is "no place given".
type Place struct {
	Lat, Lon *float64
	Address  string
}

// MaxPlaceKm is how far from its locality's own point a place may lie: a
// locality's actions and ideas are in or near it, and a point much further
// away is a slip of the hand (a swapped latitude and longitude, a missing
// digit).
const MaxPlaceKm = 25

// maxAddress is the longest address or description of a place.
const maxAddress = 200

// HasPoint reports whether the place has coordinates.
func (p Place) HasPoint() bool { return p.Lat != nil && p.Lon != nil }

// IsZero reports whether no place is given.
func (p Place) IsZero() bool {
	return p.Lat == nil && p.Lon == nil && strings.TrimSpace(p.Address) == ""
}

// CheckPlace validates a place given for something in locality l, adding
// errors for the fields "place_lat", "place_lon" and "place_address":
// latitude and longitude come together, are finite and in range, and when
// the locality has a point of its own the place lies within MaxPlaceKm of
// it.
func CheckPlace(v ValidationErrors, p *Place, l *Locality) {
	p.Address = strings.TrimSpace(p.Address)
	checkText(v, "place_address", p.Address, false, maxAddress)
	switch {
	case p.Lat == nil && p.Lon == nil:
		return
	case p.Lat == nil:
		v.Add("place_lat", "error.place_both")
		return
	case p.Lon == nil:
		v.Add("place_lon", "error.place_both")
		return
	}
	lat, lon := *p.Lat, *p.Lon
	if math.IsNaN(lat) || math.IsInf(lat, 0) || lat < -90 || lat > 90 {
		v.Add("place_lat", "error.place_lat_range")
	}
	if math.IsNaN(lon) || math.IsInf(lon, 0) || lon < -180 || lon > 180 {
		v.Add("place_lon", "error.place_lon_range")
	}
	if len(v) > 0 || l == nil || l.Lat == nil || l.Lon == nil {
		return
	}
	if DistanceKm(lat, lon, *l.Lat, *l.Lon) > MaxPlaceKm {
		v.Add("place_lat", "error.place_too_far")
	}
}

// DistanceKm is the great-circle distance between two points in degrees,
// on a sphere of the earth's mean radius.
func DistanceKm(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0088
	rad := math.Pi / 180
	dLat, dLon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(a)))
}

// PickGrid is the square of cells a person picks a point from without
// JavaScript: a map around a centre, cut into Rows by Cols cells, each
// standing for the point at its middle.
type PickGrid struct {
	Lat, Lon   float64 // the centre, usually the locality's point
	SpanKm     float64 // width and height of the whole square
	Rows, Cols int
}

// NewPickGrid is the grid used for a locality at (lat, lon): 4 km across in
// 8 by 8 cells of 500 m, fine enough to tell one end of a village from the
// other and few enough links to step through with the keyboard.
func NewPickGrid(lat, lon float64) PickGrid {
	return PickGrid{Lat: lat, Lon: lon, SpanKm: 4, Rows: 8, Cols: 8}
}

// kmPerDegree is the length of a degree of latitude.
const kmPerDegree = 6371.0088 * math.Pi / 180

// Bounds are the grid's edges in degrees: south, north, west and east.
func (g PickGrid) Bounds() (south, north, west, east float64) {
	dLat := g.SpanKm / 2 / kmPerDegree
	dLon := dLat / math.Cos(g.Lat*math.Pi/180)
	return g.Lat - dLat, g.Lat + dLat, g.Lon - dLon, g.Lon + dLon
}

// Cell is the point in the middle of the cell at row r (0 is the northmost)
// and column c (0 is the westmost), rounded to five decimals (about a
// metre), and false when the cell is outside the grid.
func (g PickGrid) Cell(r, c int) (lat, lon float64, ok bool) {
	if r < 0 || c < 0 || r >= g.Rows || c >= g.Cols {
		return 0, 0, false
	}
	south, north, west, east := g.Bounds()
	lat = north - (float64(r)+0.5)*(north-south)/float64(g.Rows)
	lon = west + (float64(c)+0.5)*(east-west)/float64(g.Cols)
	return round5(lat), round5(lon), true
}

// CellOf is the row and column of the cell holding the point, and false
// when it lies outside the grid.
func (g PickGrid) CellOf(lat, lon float64) (r, c int, ok bool) {
	south, north, west, east := g.Bounds()
	if lat < south || lat > north || lon < west || lon > east {
		return 0, 0, false
	}
	r = min(int((north-lat)/(north-south)*float64(g.Rows)), g.Rows-1)
	c = min(int((lon-west)/(east-west)*float64(g.Cols)), g.Cols-1)
	return r, c, true
}

func round5(x float64) float64 { return math.Round(x*1e5) / 1e5 }
