package web

import (
	"net/http"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/textdiff"
)

type diffOp struct {
	Inserted, Deleted bool
	Text              string
}

type revisionData struct {
	*localityView
	Revision *ortsplan.Revision
	Other    *ortsplan.Revision // the older revision compared against, if any
	Versions []*ortsplan.Revision
	Diff     []diffOp
	Added    int
	Removed  int
}

// sameText reports whether two revisions are versions of the same text.
func sameText(a, b *ortsplan.Revision) bool {
	return a.Kind == b.Kind && a.EntityID == b.EntityID && a.HasText && b.HasText && a.Kind != "update" && a.Kind != "phase"
}

// revision shows one revision and, for texts, a word diff against the
// previous version or against the version chosen with ?jamfor=ID.
func (s *Server) revision(w http.ResponseWriter, r *http.Request) {
	v, updated, err := s.loadLocality(r.Context(), r, noPlan)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r)
		return
	}
	all, err := s.svc.Plans.Revisions(r.Context(), v.Locality.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := revisionData{localityView: v}
	for _, rv := range all {
		if rv.ID == id {
			d.Revision = rv
		}
	}
	if d.Revision == nil {
		s.notFound(w, r)
		return
	}
	// Versions of the same text, newest first; the default comparison is the one just before.
	for _, rv := range all {
		if rv.ID != id && sameText(rv, d.Revision) {
			d.Versions = append(d.Versions, rv)
			if d.Other == nil && rv.CreatedAt.Before(d.Revision.CreatedAt) || (d.Other == nil && rv.CreatedAt.Equal(d.Revision.CreatedAt) && rv.ID < id) {
				d.Other = rv
			}
		}
	}
	if q := r.URL.Query().Get("jamfor"); q != "" {
		d.Other = nil
		if oid, ok := parseID(q); ok {
			for _, rv := range d.Versions {
				if rv.ID == oid {
					d.Other = rv
				}
			}
		}
		if d.Other == nil {
			s.renderError(w, r, http.StatusBadRequest, "history.compare_invalid")
			return
		}
	}
	if sameText(d.Revision, d.Revision) {
		old := ""
		if d.Other != nil {
			old = d.Other.Body
		}
		from, to := old, d.Revision.Body
		if d.Other != nil && d.Other.CreatedAt.After(d.Revision.CreatedAt) {
			from, to = to, from
		}
		for _, op := range textdiff.Words(from, to) {
			d.Diff = append(d.Diff, diffOp{Inserted: op.Kind == textdiff.Insert, Deleted: op.Kind == textdiff.Delete, Text: op.Text})
		}
		d.Added, d.Removed = textdiff.Stats(textdiff.Words(from, to))
	}
	p := s.newPage(w, r)
	p.Data = d
	p.Updated = updated
	s.render(w, r, http.StatusOK, "revision", p)
}
