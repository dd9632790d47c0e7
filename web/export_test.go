package web

// Patterns returns the router's patterns, for the OpenAPI conformance test.
func (s *Server) Patterns() []string { return s.patterns }
