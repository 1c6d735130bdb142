package testenv

import "syscall"

// ChildAttr makes a child process die with the test binary (SIGKILL when its
// parent goes), so that a test killed on timeout leaves no server behind.
func ChildAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
