package web

import (
	"fmt"
	"net/http/httptest"
	"testing"
)

func TestNewPager(t *testing.T) {
	link := func(n int) string { return fmt.Sprint("/p", n) }
	// The links' numbers, 0 for a gap.
	numbers := func(p *pager) []int {
		var ns []int
		for _, l := range p.Links {
			ns = append(ns, l.N)
		}
		return ns
	}
	for _, tc := range []struct {
		total, per, page int
		wantNil          bool
		offset           int
		first, last      int
		links            []int
		current          int
		prev, next       string
	}{
		{total: 0, per: 25, page: 1, wantNil: true},
		{total: 25, per: 25, page: 1, wantNil: true},
		{total: 25, per: 25, page: 7, wantNil: true}, // one page: any page is it
		{total: 26, per: 25, page: 1, first: 1, last: 25, links: []int{1, 2}, current: 1, next: "/p2"},
		{total: 26, per: 25, page: 2, offset: 25, first: 26, last: 26, links: []int{1, 2}, current: 2, prev: "/p1"},
		{total: 26, per: 25, page: 9, offset: 25, first: 26, last: 26, links: []int{1, 2}, current: 2, prev: "/p1"}, // beyond: the last
		{total: 330, per: 25, page: 1, first: 1, last: 25, links: []int{1, 2, 3, 4, 0, 14}, current: 1, next: "/p2"},
		{total: 330, per: 25, page: 7, offset: 150, first: 151, last: 175, links: []int{1, 0, 4, 5, 6, 7, 8, 9, 10, 0, 14}, current: 7, prev: "/p6", next: "/p8"},
		{total: 330, per: 25, page: 5, offset: 100, first: 101, last: 125, links: []int{1, 2, 3, 4, 5, 6, 7, 8, 0, 14}, current: 5, prev: "/p4", next: "/p6"},
		{total: 330, per: 25, page: 14, offset: 325, first: 326, last: 330, links: []int{1, 0, 11, 12, 13, 14}, current: 14, prev: "/p13"},
		{total: 100000, per: 50, page: 1000, offset: 49950, first: 49951, last: 50000, links: []int{1, 0, 997, 998, 999, 1000, 1001, 1002, 1003, 0, 2000}, current: 1000, prev: "/p999", next: "/p1001"},
	} {
		name := fmt.Sprintf("%d per %d, page %d", tc.total, tc.per, tc.page)
		p, offset := newPager(tc.total, tc.per, tc.page, link)
		if tc.wantNil {
			if p != nil {
				t.Errorf("%s: a pager %+v, want none", name, p)
			}
			continue
		}
		if p == nil {
			t.Fatalf("%s: no pager", name)
		}
		if offset != tc.offset || p.First != tc.first || p.Last != tc.last || p.Total != tc.total {
			t.Errorf("%s: offset %d, rows %d–%d of %d; want %d, %d–%d of %d", name, offset, p.First, p.Last, p.Total, tc.offset, tc.first, tc.last, tc.total)
		}
		if got := numbers(p); fmt.Sprint(got) != fmt.Sprint(tc.links) {
			t.Errorf("%s: links %v, want %v", name, got, tc.links)
		}
		for _, l := range p.Links {
			if l.Current != (l.N == tc.current) || (l.N != 0 && l.URL != link(l.N)) {
				t.Errorf("%s: link %+v", name, l)
			}
		}
		if p.Prev != tc.prev || p.Next != tc.next {
			t.Errorf("%s: prev %q next %q, want %q %q", name, p.Prev, p.Next, tc.prev, tc.next)
		}
	}
}

func TestPageParam(t *testing.T) {
	for _, tc := range []struct {
		query string
		page  int
		ok    bool
	}{
		{"", 1, true}, {"?sida=1", 1, true}, {"?sida=14", 14, true}, {"?sida=1000000", 1000000, true},
		{"?sida=0", 0, false}, {"?sida=-2", 0, false}, {"?sida=x", 0, false}, {"?sida=1e3", 0, false},
		{"?sida=1000001", 0, false}, {"?sida=99999999999999999999", 0, false},
	} {
		page, ok := pageParam(httptest.NewRequest("GET", "/orter"+tc.query, nil))
		if page != tc.page || ok != tc.ok {
			t.Errorf("%q: %d, %v; want %d, %v", tc.query, page, ok, tc.page, tc.ok)
		}
	}
}

func TestPageURL(t *testing.T) {
	for _, tc := range []struct {
		path, param, value string
		n                  int
		want               string
	}{
		{"/orter", "fas", "", 1, "/orter"},
		{"/orter", "fas", "", 2, "/orter?sida=2"},
		{"/orter", "fas", "genomforande", 1, "/orter?fas=genomforande"},
		{"/orter/bettna/ideer", "sortera", "stod", 3, "/orter/bettna/ideer?sida=3&sortera=stod"},
		{"/arenden", "status", "a b&c", 1, "/arenden?status=a+b%26c"},
	} {
		if got := pageURL(tc.path, tc.param, tc.value, tc.n); got != tc.want {
			t.Errorf("pageURL(%q, %q, %q, %d) = %q, want %q", tc.path, tc.param, tc.value, tc.n, got, tc.want)
		}
	}
}
