package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// The page owner is chosen by hand among the contact people, and the
// contacts are shown in the places typed for them.
func TestPageOwnerChosenAndContactsOrdered(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		coord := s.user("kim@example.se", ortsplan.RoleCoordinator)
		anna := s.user("anna@example.se", ortsplan.RoleOfficial, "bettna")
		b := s.browser()
		b.login("kim@example.se", testPassword)
		const path = "/orter/bettna/redigera"
		r := b.get(path)
		wantStatus(t, r, http.StatusOK)
		if r.Doc.Find(`input[type=radio][name=page_owner]`).Length() < 2 {
			t.Fatal("the form offers no page owner to choose")
		}
		f := formValues(r, path)
		f.Del("contacts")
		f.Del("page_owner")
		cid, aid := strconv.FormatInt(coord.ID, 10), strconv.FormatInt(anna.ID, 10)
		f.Add("contacts", cid)
		f.Add("contacts", aid)
		f.Set("order-"+cid, "2")
		f.Set("order-"+aid, "1")
		f.Set("page_owner", cid)
		r = b.post(path, f)
		wantStatus(t, r, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != path+"?sparat=1" {
			t.Fatalf("redirect to %q", loc)
		}

		v := s.browser().get("/orter/bettna")
		wantStatus(t, v, http.StatusOK)
		var names []string
		v.Doc.Find(`section[aria-labelledby="contacts-heading"] li`).Each(func(_ int, li *goquery.Selection) {
			names = append(names, strings.SplitN(li.Text(), ",", 2)[0])
		})
		if strings.Join(names, "|") != anna.Name+"|"+coord.Name {
			t.Fatalf("contacts shown as %q, want %s then %s", names, anna.Name, coord.Name)
		}
		if owner := text(v, ".owner"); !strings.Contains(owner, coord.Name) || strings.Contains(owner, anna.Name) {
			t.Fatalf("page owner shown as %q, want %s", owner, coord.Name)
		}

		// The edit form shows the contacts first, in their places, the owner chosen.
		r = b.get(path)
		if got := r.Doc.Find(`#f-order-`+aid).AttrOr("value", ""); got != "1" {
			t.Fatalf("Anna's place shows %q, want 1", got)
		}
		if !r.Doc.Find(`#owner-` + cid).Is("[checked]") {
			t.Fatal("the chosen page owner is not checked in the form")
		}
		if first := r.Doc.Find(`.contact-choice input[name=contacts]`).First().AttrOr("value", ""); first != aid {
			t.Fatalf("the form lists %s first, want the first contact %s", first, aid)
		}

		// An owner who is not ticked, or a place that is not a number, is
		// refused with a message, and what was typed stays in the form.
		f.Set("page_owner", strconv.FormatInt(s.user("bo@example.se", ortsplan.RoleOfficial).ID, 10))
		f.Set("order-"+aid, "först")
		f.Set("description", "En text som inte får försvinna.")
		r = b.post(path, f)
		wantStatus(t, r, http.StatusBadRequest)
		if r.Doc.Find(`.error-summary a[href="#f-order-`+aid+`"]`).Length() != 1 {
			t.Fatalf("the error summary does not lead to the bad place: %q", text(r, ".error-summary"))
		}
		if got := r.Doc.Find(`#f-order-`+aid).AttrOr("value", ""); got != "först" {
			t.Fatalf("the typed place was lost: %q", got)
		}
		if got := r.Doc.Find("#f-description").Text(); got != "En text som inte får försvinna." {
			t.Fatalf("the typed description was lost: %q", got)
		}
		cs, _ := db.Contacts(sqltest.System(), mustLocality(t, db, "bettna").ID)
		if len(cs) != 2 || cs[0].UserID != anna.ID || !cs[1].PageOwner {
			t.Fatalf("a refused save changed the contacts: %+v %+v", cs[0], cs[1])
		}
		f.Set("order-"+aid, "1")
		r = b.post(path, f)
		wantStatus(t, r, http.StatusBadRequest)
		if !strings.Contains(text(r, ".error-summary"), "Sidansvarig måste vara en av") {
			t.Fatalf("no message for an owner who is not a contact: %q", text(r, ".error-summary"))
		}
		if n := s.web.Catalog().Missing.Load(); n != 0 {
			t.Fatalf("%d missing translations", n)
		}
	})
}
