package opendata

import (
	_ "embed"
	"encoding/json"
	"net/http"
)

// openAPIDoc is the OpenAPI 3 description of /api/v1. A test checks that it
// lists exactly the router's API routes and that real responses match it.
//
//go:embed openapi.json
var openAPIDoc []byte

// openAPI serves the document with this site's address and data licence.
func (h *Handler) openAPI(w http.ResponseWriter, r *http.Request) {
	var doc map[string]any
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		h.apiError(w, r, err)
		return
	}
	doc["servers"] = []map[string]string{{"url": h.cfg.BaseURL}}
	if info, ok := doc["info"].(map[string]any); ok {
		lic := map[string]string{"name": h.cfg.DataLicence}
		if h.cfg.DataLicenceURL != "" {
			lic["url"] = h.cfg.DataLicenceURL
		}
		info["license"] = lic
	}
	h.writeJSON(w, r, doc)
}
