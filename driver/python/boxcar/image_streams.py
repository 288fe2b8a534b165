"""nova-compute's side of image transfers, for agents without a Glance transport (and for
in-process test harnesses whose Glance is a fixture): a Glance download streamed into the
agent's Images.Import, and a snapshot's Images.Save streamed into a Glance upload.

The Glance client runs on nova-compute's green threads (its sockets are eventlet's); every
agent call goes through `call` (eventlet's thread pool), so neither side blocks the hub."""

_BATCH_BYTES = 1024 * 1024


class _ImportWriter(object):
    """The file-like object Nova's image API writes a download into."""

    def __init__(self, session, call):
        self._session = session
        self._call = call
        self._pending = []
        self._pending_bytes = 0
        self.bytes_written = 0

    def write(self, chunk):
        if not chunk:
            return
        self._pending.append(bytes(chunk))
        self._pending_bytes += len(chunk)
        if self._pending_bytes >= _BATCH_BYTES:
            self.flush()

    def flush(self):
        if not self._pending:
            return
        data = b''.join(self._pending)
        self._pending, self._pending_bytes = [], 0
        self._call(self._session.write, data)
        self.bytes_written += len(data)


def upload_image(image_api, context, image, native, call):
    """Streams Glance image `image` (a nova_data.image_dict) into the agent; returns the
    stored image id. A failure cancels the import: the agent keeps nothing."""
    session = call(native.start_upload, image)
    writer = _ImportWriter(session, call)
    try:
        image_api.download(context, image['id'], data=writer)
        writer.flush()
        return call(session.finish)
    except BaseException:
        call(session.abort)
        raise


class SnapshotReader(object):
    """A file-like view of Images.Save, for Nova's image API to upload."""

    def __init__(self, session, call):
        self._session = session
        self._call = call
        self._buffer = b''
        self._done = False

    def _fill(self):
        if not self._done:
            chunk = self._call(self._session.read)
            if chunk:
                self._buffer += chunk
            else:
                self._done = True

    def read(self, size=-1):
        if size is None or size < 0:
            while not self._done:
                self._fill()
        else:
            while len(self._buffer) < size and not self._done:
                self._fill()
        if size is None or size < 0:
            data, self._buffer = self._buffer, b''
        else:
            data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    def __iter__(self):
        while True:
            data = self.read(_BATCH_BYTES)
            if not data:
                return
            yield data

    def close(self):
        self._call(self._session.close)


def upload_snapshot(image_api, context, snapshot_id, metadata, boxcar_image_id, native, call):
    """Uploads the committed image as a docker-archive into Glance image `snapshot_id`."""
    reader = SnapshotReader(call(native.start_download, boxcar_image_id), call)
    try:
        image_api.update(context, snapshot_id, metadata, data=reader, purge_props=False)
    finally:
        reader.close()
