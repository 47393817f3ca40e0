"""`agentkit chat`: the client in a terminal, one message per line (`command`)."""
