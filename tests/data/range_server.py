# A local HTTP server with byte ranges (what GDAL's /vsicurl/ asks of a server), for tests/landscape.rs: serves
# the folder given, on 127.0.0.1 and a free port (printed first), and logs the bytes of each response to
# served.log in that folder.
import http.server, os, sys, re
ROOT = sys.argv[1]
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def _file(self):
        p = os.path.join(ROOT, self.path.lstrip('/'))
        return p if os.path.isfile(p) else None
    def do_HEAD(self):
        p = self._file()
        if not p: self.send_response(404); self.end_headers(); return
        self.send_response(200); self.send_header('Content-Length', str(os.path.getsize(p))); self.send_header('Accept-Ranges', 'bytes'); self.end_headers()
    def do_GET(self):
        p = self._file()
        if not p: self.send_response(404); self.end_headers(); return
        size = os.path.getsize(p); data = open(p, 'rb').read()
        m = re.match(r'bytes=(\d+)-(\d*)', self.headers.get('Range', ''))
        if m:
            a = int(m.group(1)); b = int(m.group(2)) if m.group(2) else size - 1; b = min(b, size - 1)
            body = data[a:b + 1]; self.send_response(206); self.send_header('Content-Range', f'bytes {a}-{b}/{size}')
        else:
            body = data; self.send_response(200)
        self.send_header('Content-Length', str(len(body))); self.send_header('Accept-Ranges', 'bytes'); self.end_headers()
        self.wfile.write(body)
        with open(os.path.join(ROOT, 'served.log'), 'a') as f: f.write(f'{len(body)}\n')
srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), H)
print(srv.server_address[1], flush=True)
srv.serve_forever()
