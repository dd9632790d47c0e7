package hydratest_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/ortsplan/ortsplan/web/hydratest"
)

// TestStart: the provider answers its discovery document with the issuer
// it was given and takes a client.
func TestStart(t *testing.T) {
	p := hydratest.Start(t)
	res, err := http.Get(p.Issuer + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var d struct {
		Issuer     string `json:"issuer"`
		EndSession string `json:"end_session_endpoint"`
	}
	if err := json.NewDecoder(res.Body).Decode(&d); err != nil {
		t.Fatal(err)
	}
	if d.Issuer != p.Issuer+"/" || d.EndSession == "" {
		t.Fatalf("discovery: %+v, want issuer %s/ and an end_session_endpoint", d, p.Issuer)
	}
	if id, secret := p.Client(t, "http://127.0.0.1:1/cb", "http://127.0.0.1:1/"); id == "" || secret == "" {
		t.Fatal("no client")
	}
}
