package main

import (
	"fmt"
	"io"
	"testing"
)

func TestTrustProxyFlag(t *testing.T) {
	cases := []struct {
		args []string
		env  string
		want int
		bad  bool
	}{
		{nil, "", 0, false},
		{[]string{"--trust-proxy"}, "", 1, false},
		{[]string{"--trust-proxy=2"}, "", 2, false},
		{[]string{"--trust-proxy=false"}, "", 0, false},
		{nil, "true", 1, false},
		{nil, "3", 3, false},
		{[]string{"--trust-proxy=many"}, "", 0, true},
		{[]string{"--trust-proxy=-1"}, "", 0, true},
		{nil, "11", 0, true},
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.args, "env=", c.env), func(t *testing.T) {
			t.Setenv("ORTSPLAN_TRUST_PROXY", c.env)
			if c.env == "" {
				t.Setenv("ORTSPLAN_TRUST_PROXY", "false")
			}
			m := NewMain(io.Discard, io.Discard)
			err := m.ParseServe(c.args)
			if (err != nil) != c.bad {
				t.Fatalf("err = %v", err)
			}
			if !c.bad && m.web.TrustProxy != c.want {
				t.Fatalf("TrustProxy = %d, want %d", m.web.TrustProxy, c.want)
			}
		})
	}
}
