package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode"
)

func TestRedirectTarget(t *testing.T) {
	cases := []struct{ in, want string }{
		{"/orter/flen", "/orter/flen"},
		{"/sok?q=g%C3%A5ngv%C3%A4g&ort=flen", "/sok?q=g%C3%A5ngv%C3%A4g&ort=flen"},
		{"/orter/flen#karta", "/orter/flen#karta"},
		{"/ideer/3?klart=svar", "/ideer/3?klart=svar"},
		{"", "/"},
		{"orter", "/"},
		{"//evil.example", "/"},
		{"/\\evil.example", "/"},
		{"/\t/evil.example", "/"}, // browsers drop the tab: //evil.example
		{"/\n/evil.example", "/"},
		{"/\r\n/evil.example", "/"},
		{"/%09/evil.example", "/%09/evil.example"}, // percent-encoded: a path segment, not a host
		{"/%2F/evil.example", "/"},
		{"/%5C/evil.example", "/"},
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{"/x\\y", "/"},
		{"/\x00", "/"},
		{"/\u0085/evil", "/"},
		{"/" + strings.Repeat("a", 3000), "/"},
	}
	for _, c := range cases {
		if got := redirectTarget(c.in); got != c.want {
			t.Errorf("redirectTarget(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// FuzzRedirectTarget checks that whatever comes in, the redirect stays on
// the site as a browser reads it: browsers drop tabs and newlines and read
// backslashes as slashes before they resolve the address.
func FuzzRedirectTarget(f *testing.F) {
	for _, s := range []string{"/orter", "//x", "/\t/x", "/\\x", "https://x", "/%2f/x", "/a?b=c#d", "/\x00", "\\\\x"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://ortsplan.example/orter/flen")
	f.Fuzz(func(t *testing.T, in string) {
		out := redirectTarget(in)
		if !strings.HasPrefix(out, "/") || strings.HasPrefix(out, "//") || strings.ContainsRune(out, '\\') {
			t.Fatalf("redirectTarget(%q) = %q", in, out)
		}
		for _, r := range out {
			if unicode.IsControl(r) || r == ' ' {
				t.Fatalf("redirectTarget(%q) = %q holds %q", in, out, r)
			}
		}
		browser := strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(out)
		u, err := url.Parse(browser)
		if err != nil {
			t.Fatalf("redirectTarget(%q) = %q does not parse: %v", in, out, err)
		}
		if got := base.ResolveReference(u); got.Host != base.Host || got.Scheme != base.Scheme {
			t.Fatalf("redirectTarget(%q) = %q leads to %s", in, out, got)
		}
	})
}

func TestCleanText(t *testing.T) {
	cases := []struct {
		in        string
		multiline bool
		want      bool
	}{
		{"Gång- och cykelväg ÅÄÖ åäö é ü 😀", false, true},
		{"", false, true},
		{"a\x00b", true, false},
		{"a\xffb", true, false},
		{"rad ett\nrad två\r\n\tindrag", true, true},
		{"rad ett\nrad två", false, false},
		{"tab\there", false, false},
		{"bell\x07", true, false},
		{"del\x7f", true, false},
		{"c1\u0085", true, false},
		{"\uFFFF", false, false},
		{"zero\u200bwidth", false, true}, // a format character, not a control
	}
	for _, c := range cases {
		if got := cleanText(c.in, c.multiline); got != c.want {
			t.Errorf("cleanText(%q, %v) = %v, want %v", c.in, c.multiline, got, c.want)
		}
	}
	if got := safeLog("/orter/\xff\x00x"); got != "/orter/\uFFFD\uFFFDx" {
		t.Errorf("safeLog = %q", got)
	}
}

func TestClientKey(t *testing.T) {
	cases := []struct {
		name    string
		remote  string
		xff     []string
		proxies int
		want    string
	}{
		{"direct", "198.51.100.7:5000", nil, 0, "198.51.100.7"},
		{"a header is not believed without proxies", "198.51.100.7:5000", []string{"203.0.113.1"}, 0, "198.51.100.7"},
		{"one proxy appends the client", "10.0.0.2:80", []string{"203.0.113.1"}, 1, "203.0.113.1"},
		{"the client's own entries are not believed", "10.0.0.2:80", []string{"192.0.2.66, 203.0.113.1"}, 1, "203.0.113.1"},
		{"two proxies", "10.0.0.2:80", []string{"192.0.2.66, 203.0.113.1, 10.0.0.9"}, 2, "203.0.113.1"},
		{"headers on several lines", "10.0.0.2:80", []string{"192.0.2.66", "203.0.113.1"}, 1, "203.0.113.1"},
		{"fewer entries than proxies", "10.0.0.2:80", []string{"203.0.113.1"}, 3, "203.0.113.1"},
		{"garbage falls back to the connection", "10.0.0.2:80", []string{"not-an-address"}, 1, "10.0.0.2"},
		{"IPv6 per /64", "[2001:db8:1:2:aaaa:bbbb:cccc:dddd]:443", nil, 0, "2001:db8:1:2::/64"},
		{"the same /64", "[2001:db8:1:2::1]:443", nil, 0, "2001:db8:1:2::/64"},
		{"IPv6 behind a proxy", "10.0.0.2:80", []string{"2001:db8:9:9:1::7"}, 1, "2001:db8:9:9::/64"},
		{"IPv4 in IPv6", "[::ffff:198.51.100.7]:1", nil, 0, "198.51.100.7"},
	}
	for _, c := range cases {
		r := &http.Request{RemoteAddr: c.remote, Header: http.Header{}}
		for _, v := range c.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := clientKey(r, c.proxies); got != c.want {
			t.Errorf("%s: clientKey = %q, want %q", c.name, got, c.want)
		}
	}
}
