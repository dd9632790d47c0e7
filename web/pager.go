package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/ortsplan/ortsplan/i18n"
)

// pager is the pages of a list too long for one: which rows this page
// shows (counted from 1) of how many, links to a window of pages around
// this one with the first and the last, and to the pages before and after.
type pager struct {
	First, Last, Total int
	Links              []pageLink // a link with N 0 stands for pages left out
	Prev, Next         string
	// Label names the pages' navigation and Showing says which rows are
	// shown (of First, Last, Total): catalog keys.
	Label, Showing string
}

// pagerWindow is how many pages on each side of this one get a link of
// their own.
const pagerWindow = 3

// pageParam reads ?sida=, 1 when it is absent; ok is false for anything but
// a whole number from 1 up (to a million).
func pageParam(r *http.Request) (page int, ok bool) {
	v := r.URL.Query().Get("sida")
	if v == "" {
		return 1, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 1e6 {
		return 0, false
	}
	return n, true
}

// newPager pages total rows, per a page, at page (beyond the last is the
// last); link gives a page's address. It returns the pager, nil when one
// page holds them all, and the offset of the page's first row.
func newPager(total, per, page int, link func(n int) string) (*pager, int) {
	pages := max(1, (total+per-1)/per)
	page = min(max(page, 1), pages)
	offset := (page - 1) * per
	if pages == 1 {
		return nil, offset
	}
	p := &pager{First: offset + 1, Last: min(offset+per, total), Total: total}
	for n := 1; n <= pages; n++ {
		switch {
		case n == 1 || n == pages || (n >= page-pagerWindow && n <= page+pagerWindow):
			p.Links = append(p.Links, pageLink{N: n, URL: link(n), Current: n == page})
		case len(p.Links) > 0 && p.Links[len(p.Links)-1].N != 0:
			p.Links = append(p.Links, pageLink{})
		}
	}
	if page > 1 {
		p.Prev = link(page - 1)
	}
	if page < pages {
		p.Next = link(page + 1)
	}
	return p, offset
}

// pagerView is what the "pager" partial is given: the page's texts and the pager.
type pagerView struct {
	L *i18n.Localizer
	*pager
}

// pageURL is the address of page n of a list at path: the list's own
// parameter, if its value is set, and ?sida= from page 2 on.
func pageURL(path, param, value string, n int) string {
	v := url.Values{}
	if value != "" {
		v.Set(param, value)
	}
	if n > 1 {
		v.Set("sida", strconv.Itoa(n))
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}
