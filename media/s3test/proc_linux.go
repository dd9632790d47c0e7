package s3test

import "syscall"

// procAttr has the kernel kill weed if the test process dies first, for
// example at go test's timeout, so that no server is left behind.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
