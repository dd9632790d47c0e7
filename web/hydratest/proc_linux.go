package hydratest

import "syscall"

// procAttr has the kernel kill hydra if the test process dies first, for
// example at go test's timeout, so that no server is left behind.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
