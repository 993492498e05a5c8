"""`menjin demo`: a morning at a school gate, on emulated hardware, with real faces."""
