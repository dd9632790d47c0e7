// Package s3test runs a real S3 server for tests: SeaweedFS's weed, whose
// binary ORTSPLAN_TEST_WEED names (scripts/tools.sh weed builds it). Each
// server listens on free loopback ports, keeps its data in a temp folder and
// is stopped when the test ends. Without the variable the tests that need it
// skip, except under CI=true, where that is a failure.
package s3test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/ortsplan/ortsplan/media"
)

// EnvWeed is the variable naming the weed binary.
const EnvWeed = "ORTSPLAN_TEST_WEED"

// startTimeout bounds the wait for a new server to answer; CI's machine may
// be busy with other builds.
const startTimeout = 90 * time.Second

// Server is a running SeaweedFS with its S3 gateway.
type Server struct {
	// Endpoint is the S3 URL, like http://127.0.0.1:40123.
	Endpoint string
	// AccessKey and SecretKey are the only credentials it accepts.
	AccessKey, SecretKey string

	client  *minio.Client
	cmd     *exec.Cmd
	sockets []string // weed's own, to remove
	log     *lockedBuffer
	exited  chan struct{}
}

var bucketSeq atomic.Int64

// Weed returns the path of the weed binary, or skips the test without one
// (fails it under CI=true).
func Weed(t testing.TB) string {
	t.Helper()
	bin := os.Getenv(EnvWeed)
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but %s is not set: the S3 storage must be tested on a real server (see scripts/tools.sh)", EnvWeed)
		}
		t.Skipf("%s is not set; build weed with scripts/tools.sh weed to run the S3 tests", EnvWeed)
	}
	if fi, err := os.Stat(bin); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
		t.Fatalf("%s=%s is not an executable file: %v", EnvWeed, bin, err)
	}
	return bin
}

// Start starts a server for the test and stops it when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	bin := Weed(t)
	dir := t.TempDir()
	ports, err := freePorts(10)
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{
		Endpoint:  "http://127.0.0.1:" + strconv.Itoa(ports[0]),
		AccessKey: "ortsplan" + randomHex(4),
		SecretKey: randomHex(16),
		log:       &lockedBuffer{},
		exited:    make(chan struct{}),
	}
	config, err := json.Marshal(map[string]any{"identities": []any{map[string]any{
		"name":        "ortsplan-test",
		"credentials": []any{map[string]string{"accessKey": s.AccessKey, "secretKey": s.SecretKey}},
		"actions":     []string{"Admin", "Read", "Write", "List", "Tagging"},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	configFile := filepath.Join(dir, "s3.json")
	if err := os.WriteFile(configFile, config, 0o600); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o700); err != nil {
		t.Fatal(err)
	}
	// weed mini runs master, volume server, filer and S3 gateway in one
	// process and is ready in seconds (weed server takes about ten before
	// the first write goes through). WebDAV, Iceberg, Lance and telemetry
	// are off; its admin server cannot be, and listens on loopback too.
	p := func(i int) string { return strconv.Itoa(ports[i]) }
	s.cmd = exec.Command(bin, "mini",
		"-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-dir="+data,
		"-master.port="+p(1), "-master.port.grpc="+p(2), "-master.telemetry=false", "-master.volumeSizeLimitMB=64",
		"-volume.port="+p(3), "-volume.port.grpc="+p(4),
		"-filer.port="+p(5), "-filer.port.grpc="+p(6), "-filer.localSocket="+filepath.Join(dir, "filer.sock"),
		"-s3.port="+p(0), "-s3.port.grpc="+p(7), "-s3.config="+configFile, "-s3.localSocket="+filepath.Join(dir, "s3.sock"),
		"-s3.port.iceberg=0", "-s3.port.lance=0", "-webdav=false",
		"-admin.port="+p(8), "-admin.port.grpc="+p(9), "-admin.port.legacy=0",
	)
	for name, port := range map[string]int{"master": ports[2], "volume": ports[4], "filer": ports[6], "s3": ports[7], "admin": ports[9]} {
		s.sockets = append(s.sockets, fmt.Sprintf("/tmp/seaweedfs-%s-grpc-%d.sock", name, port))
	}
	// Its own folder and a bare environment: no WEED_* variables, no
	// ~/.seaweedfs configuration, no AWS credentials of the caller.
	s.cmd.Dir = dir
	s.cmd.Env = []string{"HOME=" + dir, "PATH=" + os.Getenv("PATH"), "TMPDIR=" + dir}
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	s.cmd.SysProcAttr = procAttr()
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	go func() {
		s.cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(s.stop)

	s.client, err = minio.New("127.0.0.1:"+p(0), &minio.Options{
		Creds: credentials.NewStaticV4(s.AccessKey, s.SecretKey, ""), BucketLookup: minio.BucketLookupPath,
		Region: media.DefaultS3Region,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.waitReady(); err != nil {
		t.Fatalf("weed did not start: %v\n--- weed's output:\n%s", err, s.log.String())
	}
	return s
}

// waitReady waits until the gateway lists buckets, which needs the master,
// the volume server and the filer behind it.
func (s *Server) waitReady() error {
	deadline := time.Now().Add(startTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_, err := s.client.ListBuckets(ctx)
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-s.exited:
			return fmt.Errorf("weed exited: %v", s.cmd.ProcessState)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no answer from %s within %s: %w", s.Endpoint, startTimeout, err)
		}
	}
}

// stop kills weed: its data is thrown away, and a graceful stop takes
// seconds. It then removes the gRPC sockets that weed keeps in /tmp
// whatever TMPDIR says.
func (s *Server) stop() {
	if s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Kill()
	<-s.exited
	for _, name := range s.sockets {
		if fi, err := os.Lstat(name); err == nil && fi.Mode()&os.ModeSocket != 0 {
			os.Remove(name)
		}
	}
}

// Bucket creates a new, empty bucket and returns its configuration.
func (s *Server) Bucket(t testing.TB) media.S3Config {
	t.Helper()
	name := fmt.Sprintf("test-%d-%s", bucketSeq.Add(1), randomHex(3))
	// A new server may still be settling its first volumes: try again briefly.
	var err error
	for range 50 {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err = s.client.MakeBucket(ctx, name, minio.MakeBucketOptions{Region: media.DefaultS3Region})
		cancel()
		if err == nil {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("create bucket %s: %v\n--- weed's output:\n%s", name, err, s.log.String())
	}
	return media.S3Config{Endpoint: s.Endpoint, Region: media.DefaultS3Region, Bucket: name,
		AccessKey: s.AccessKey, SecretKey: s.SecretKey}
}

// Storage creates a new bucket and returns storage in it.
func (s *Server) Storage(t testing.TB) *media.S3Storage {
	t.Helper()
	st, err := media.NewS3Storage(context.Background(), s.Bucket(t))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// Spec returns a --storage value for a new bucket; the credentials are
// s.AccessKey and s.SecretKey, to be set as AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY.
func (s *Server) Spec(t testing.TB) string {
	t.Helper()
	b := s.Bucket(t)
	return "s3://" + b.Bucket + "?endpoint=" + b.Endpoint + "&region=" + b.Region
}

// Log returns what weed has printed so far.
func (s *Server) Log() string { return s.log.String() }

// freePorts returns n distinct loopback ports that were free a moment ago.
func freePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	ports := make([]int, 0, n)
	for len(ports) < n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free port: %w", err)
		}
		ls = append(ls, l)
		port := l.Addr().(*net.TCPAddr).Port
		// weed also derives ports by adding 10000; keep clear of 65535.
		if port <= 55000 {
			ports = append(ports, port)
		}
	}
	return ports, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// lockedBuffer collects the server's output from two streams.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
