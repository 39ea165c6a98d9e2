// Integration tests talk to a real broker and start real service processes; seconds, not milliseconds.
jest.setTimeout(180_000);
