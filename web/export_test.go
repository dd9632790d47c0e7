package web

// Patterns returns the router's patterns, for the OpenAPI conformance test.
func (s *Server) Patterns() []string { return s.patterns }

// UploadSlots returns the places of uploads being processed, for tests that fill them.
func (s *Server) UploadSlots() chan struct{} { return s.uploads }

// UploadsWaiting returns how many uploads wait for a place.
func (s *Server) UploadsWaiting() int64 { return s.uploadsWaiting.Load() }
