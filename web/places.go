package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/svgmap"
)

// Places: actions of the plan and ideas may carry a point and an address.
// A point is typed as coordinates or picked on a grid drawn on the server
// (the grid's cells are links that come back to the form with the point
// filled in), and the locality's map shows the placed actions and ideas
// with the same facts in a table.

// placedIdeasShown bounds the ideas on a locality's map.
const placedIdeasShown = 200

// placeFromForm reads the place fields of a form; a number that is not one
// is an error on its field.
func placeFromForm(f url.Values, v ortsplan.ValidationErrors) ortsplan.Place {
	p := ortsplan.Place{Address: f.Get("place_address")}
	if lat, ok := formFloat(f, "place_lat", v); ok {
		p.Lat = &lat
	}
	if lon, ok := formFloat(f, "place_lon", v); ok {
		p.Lon = &lon
	}
	return p
}

// setPlaceValues writes a stored place into a form's values.
func setPlaceValues(f url.Values, p ortsplan.Place) {
	f.Set("place_address", p.Address)
	if p.HasPoint() {
		f.Set("place_lat", coord(*p.Lat))
		f.Set("place_lon", coord(*p.Lon))
	}
}

// pickedPoint fills in the point a person picked on the grid, which comes
// back in the query as lat and lon; anything else in them is ignored, as
// the form checks what is saved.
func pickedPoint(r *http.Request, f url.Values) {
	q := r.URL.Query()
	lat, errLat := strconv.ParseFloat(q.Get("lat"), 64)
	lon, errLon := strconv.ParseFloat(q.Get("lon"), 64)
	if errLat != nil || errLon != nil {
		return
	}
	f.Set("place_lat", coord(lat))
	f.Set("place_lon", coord(lon))
}

func coord(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// placeText writes a place for reading: the address, then the point.
func placeText(L *i18n.Localizer, p ortsplan.Place) string {
	var parts []string
	if p.Address != "" {
		parts = append(parts, p.Address)
	}
	if p.HasPoint() {
		parts = append(parts, L.T("place.point", L.Decimal(*p.Lat, 5), L.Decimal(*p.Lon, 5)))
	}
	return strings.Join(parts, ", ")
}

// pickTarget is the form a pick grid returns to: an action's, a new
// action's or the locality's idea form. Only these, so the grid cannot send
// anyone elsewhere.
func pickTarget(l *ortsplan.Locality, q url.Values) (string, bool) {
	base := "/orter/" + l.Slug
	switch q.Get("for") {
	case "ide":
		return base + "/ideer", true
	case "ny-atgard":
		return base + "/atgarder/ny", true
	case "atgard":
		if id, ok := parseID(q.Get("id")); ok {
			return base + "/atgarder/" + strconv.FormatInt(id, 10), true
		}
	}
	return "", false
}

// placeFieldsData is what the "place-fields" partial gets: the page and
// the address of the pick grid that comes back to this form.
type placeFieldsData struct {
	P    *page
	Pick string
}

type pickData struct {
	Locality *ortsplan.Locality
	Back     string // the form, for typing coordinates instead
	Grid     any    // the drawn grid, template.HTML; nil when the locality has no point
	CellKm   string
}

// pickPlace shows the grid around the locality's point: each cell a link
// back to the form with the cell's middle as the point.
func (s *Server) pickPlace(w http.ResponseWriter, r *http.Request) {
	l, ok := s.pathLocality(w, r)
	if !ok {
		return
	}
	back, ok := pickTarget(l, r.URL.Query())
	if !ok {
		s.renderError(w, r, http.StatusBadRequest, "place.bad_target")
		return
	}
	p := s.newPage(w, r)
	d := pickData{Locality: l, Back: back + "#plats"}
	if l.Lat != nil && l.Lon != nil {
		g := ortsplan.NewPickGrid(*l.Lat, *l.Lon)
		d.CellKm = p.L.Number(int(g.SpanKm / float64(g.Cols) * 1000))
		var cells []svgmap.GridCell
		for row := range g.Rows {
			for col := range g.Cols {
				lat, lon, _ := g.Cell(row, col)
				href := back + "?lat=" + coord(lat) + "&lon=" + coord(lon) + "#plats"
				cells = append(cells, svgmap.GridCell{Href: href,
					Label: p.L.T("place.cell", row+1, col+1, p.L.Decimal(lat, 5), p.L.Decimal(lon, 5))})
			}
		}
		marks := []svgmap.GridMark{{X: 0.5, Y: 0.5, Label: l.Name}}
		d.Grid = svgmap.RenderGrid(g.Rows, g.Cols, cells, marks, svgmap.Options{ID: "pick",
			Title: p.L.T("place.grid_title", l.Name), Desc: p.L.T("place.grid_desc", d.CellKm)})
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "place_pick", p)
}

type placeRow struct {
	Kind, Title, Href, Status, Place string
}

type placesData struct {
	Locality *ortsplan.Locality
	Map      any // template.HTML
	Rows     []placeRow
	Unplaced int  // actions and ideas with an address but no point: listed, not drawn
	More     bool // more placed ideas than shown
}

// localityPlaces is the locality's map of its placed actions and ideas,
// with the same in a table.
func (s *Server) localityPlaces(w http.ResponseWriter, r *http.Request) {
	l, ok := s.pathLocality(w, r)
	if !ok {
		return
	}
	plan, err := s.svc.Plans.FindPlan(r.Context(), l.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ideas, err := s.svc.OpenData.IdeaPage(r.Context(), ortsplan.IdeaPageQuery{LocalityID: l.ID, Placed: true, Limit: placedIdeasShown + 1})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(w, r)
	L := p.L
	d := placesData{Locality: l}
	if len(ideas) > placedIdeasShown {
		ideas, d.More = ideas[:placedIdeasShown], true
	}
	var points []svgmap.Point
	add := func(kind, class, title, href, status string, pl ortsplan.Place) {
		d.Rows = append(d.Rows, placeRow{Kind: kind, Title: title, Href: href, Status: status, Place: placeText(L, pl)})
		if pl.HasPoint() {
			points = append(points, svgmap.Point{Label: title, Href: href, Lat: *pl.Lat, Lon: *pl.Lon, Class: class,
				Description: kind + ", " + status})
		} else {
			d.Unplaced++
		}
	}
	var walk func(as []*ortsplan.Action)
	walk = func(as []*ortsplan.Action) {
		for _, a := range as {
			if !a.Place.IsZero() {
				add(L.T("place.kind_action"), "place-action status-"+strings.ReplaceAll(string(a.Status), "_", "-"), a.Title,
					"/orter/"+l.Slug+"/handlingsplan#atgard-"+strconv.FormatInt(a.ID, 10), L.T("status."+string(a.Status)), a.Place)
			}
			walk(a.Children)
		}
	}
	for _, t := range plan.Themes {
		walk(t.Actions)
	}
	for _, i := range ideas {
		add(L.T("place.kind_idea"), "place-idea", i.Title, "/ideer/"+strconv.FormatInt(i.ID, 10), L.T("ideastatus."+string(i.Status)), i.Place)
	}
	d.Map = s.maps.Render(points, svgmap.Options{ID: "places", MinSpanKm: 2,
		Title: L.T("place.map_title", l.Name), Desc: L.T("place.map_desc")})
	p.Data = d
	p.Updated = l.UpdatedAt
	s.render(w, r, http.StatusOK, "places", p)
}
