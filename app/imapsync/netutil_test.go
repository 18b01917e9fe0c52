package imapsync

import (
	"errors"
	"net"
)

type netTCPAddr = net.TCPAddr

func netListen() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }

func errorsIs(err, target error) bool { return errors.Is(err, target) }
