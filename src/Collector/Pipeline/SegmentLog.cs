using System.Buffers.Binary;
using System.IO.Hashing;

namespace X0tta6bl4.Ops.Collector.Pipeline;

/// <summary>
/// A write-ahead log of opaque batches in segment files: each batch is appended and later marked done, and what was
/// never marked done is read back at start, in order. Segment files of a quarter of the limit; the oldest segment goes
/// when the limit is passed, its open batches returned as dropped. A batch may be marked as being written (to a store)
/// first, so after a crash the ones whose write may have committed are known. <see cref="Spool"/> (the write buffer's
/// samples) and the remote-write receiver's held-scrape log each keep their batches in one, in their own encoding.
/// </summary>
/// <remarks>
/// Record: int32 length, uint32 CRC-32 of the payload, payload (kind byte, then the kind's fields). A torn record at
/// the end of a segment (a crash mid-append) ends that segment's reading. Appends reach the OS at once — a killed
/// process loses nothing — and are fsync'd at most every second, and always before a store write. A folder is held by
/// one process at a time (an exclusive lock file).
/// </remarks>
public sealed class SegmentLog : IDisposable
{
    private const byte BatchKind = 1;
    private const byte DoneKind = 2;
    private const byte WritingKind = 3;
    private static readonly TimeSpan SyncEvery = TimeSpan.FromSeconds(1);

    private readonly object _gate = new();
    private readonly string _directory;
    private readonly long _maxBytes;
    private readonly TimeProvider _time;
    private readonly SortedDictionary<long, Segment> _segments = new();
    private readonly Dictionary<long, long> _segmentOf = new(); // open batch id → its segment
    private FileStream _current = null!;
    private FileStream? _lock;
    private long _currentNumber;
    private long _nextId = 1;
    private DateTimeOffset _lastSync;
    private bool _disposed;

    private sealed class Segment(string path)
    {
        public string Path { get; } = path;
        public long Bytes;
        public HashSet<long> Open { get; } = [];
    }

    /// <summary>A batch read back from the log at start: in order, and whether a store write of it may have committed.</summary>
    public sealed record Batch(long Id, byte[] Payload, bool InDoubt);

    private SegmentLog(string directory, long maxBytes, TimeProvider time)
    {
        _directory = directory;
        _maxBytes = maxBytes;
        _time = time;
    }

    public long MaxBytes => _maxBytes;

    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _segments.Values.Sum(s => s.Bytes);
            }
        }
    }

    /// <summary>Opens (creating) the log in <paramref name="directory"/> and returns the batches it holds that were never marked done.</summary>
    public static SegmentLog Open(string directory, long maxBytes, TimeProvider time, out IReadOnlyList<Batch> open)
    {
        Directory.CreateDirectory(directory);
        var log = new SegmentLog(directory, maxBytes, time);
        try
        {
            // FileShare.None takes an exclusive lock (flock on Linux): a second process on the same folder is refused.
            log._lock = new FileStream(Path.Combine(directory, "lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new IOException($"The folder '{directory}' is in use by another collector: {e.Message}", e);
        }

        open = log.Recover();
        log.StartSegment();
        return log;
    }

    private List<Batch> Recover()
    {
        var batches = new SortedDictionary<long, (byte[] Payload, long Segment)>();
        var done = new HashSet<long>();
        var writing = new HashSet<long>();
        foreach (var path in Directory.GetFiles(_directory, "*.wal").OrderBy(p => p, StringComparer.Ordinal))
        {
            if (!long.TryParse(Path.GetFileNameWithoutExtension(path), out var number))
            {
                continue;
            }

            _segments[number] = new Segment(path) { Bytes = new FileInfo(path).Length };
            _currentNumber = Math.Max(_currentNumber, number);
            foreach (var (kind, payload) in ReadRecords(path))
            {
                var reader = new BinaryReader(new MemoryStream(payload));
                switch (kind)
                {
                    case BatchKind:
                        var id = reader.ReadInt64();
                        batches[id] = (payload[8..], number);
                        _nextId = Math.Max(_nextId, id + 1);
                        break;
                    case DoneKind:
                        done.Add(reader.ReadInt64());
                        break;
                    case WritingKind:
                        var count = reader.ReadInt32();
                        for (var i = 0; i < count; i++)
                        {
                            writing.Add(reader.ReadInt64());
                        }

                        break;
                }
            }
        }

        var open = new List<Batch>();
        foreach (var (id, (payload, segment)) in batches)
        {
            if (!done.Contains(id))
            {
                _segments[segment].Open.Add(id);
                _segmentOf[id] = segment;
                open.Add(new Batch(id, payload, writing.Contains(id)));
            }
        }

        DeleteDoneFromTheOldest(keepCurrent: false); // no segment is being written yet
        return open;
    }

    private static IEnumerable<(byte Kind, byte[] Payload)> ReadRecords(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var at = 0;
        while (at + 8 <= bytes.Length)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at));
            var crc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 4));
            if (length < 1 || at + 8 + length > bytes.Length)
            {
                yield break; // torn at the end
            }

            var payload = bytes.AsSpan(at + 8, length);
            if (Crc32.HashToUInt32(payload) != crc)
            {
                yield break;
            }

            yield return (payload[0], payload[1..].ToArray());
            at += 8 + length;
        }
    }

    /// <summary>Appends a batch; returns its id, and the ids of batches dropped to stay within the size limit.</summary>
    public long Append(ReadOnlySpan<byte> batch, out IReadOnlyList<long> dropped)
    {
        Span<byte> head = stackalloc byte[9]; // kind, id: the batch itself is written as the caller encoded it, not copied
        lock (_gate)
        {
            var id = _nextId++;
            head[0] = BatchKind;
            BinaryPrimitives.WriteInt64LittleEndian(head[1..], id);
            var number = _currentNumber; // Write may start a new segment after this record
            Write(head, batch);
            _segments[number].Open.Add(id);
            _segmentOf[id] = number;
            dropped = Trim();
            SyncIfDue(force: false);
            return id;
        }
    }

    /// <summary>Marks batches as being written to the store, durably, before the write starts.</summary>
    public void Writing(IReadOnlyCollection<long> ids)
    {
        var payload = new MemoryStream();
        var writer = new BinaryWriter(payload);
        writer.Write(WritingKind);
        writer.Write(ids.Count);
        foreach (var id in ids)
        {
            writer.Write(id);
        }

        lock (_gate)
        {
            Write(payload);
            SyncIfDue(force: true);
        }
    }

    /// <summary>Marks batches done (in the store, or dropped): they are not replayed, and segments with none open go, oldest first.</summary>
    public void Done(IEnumerable<long> ids)
    {
        lock (_gate)
        {
            foreach (var id in ids)
            {
                if (!_segmentOf.TryGetValue(id, out var number))
                {
                    continue;
                }

                var payload = new MemoryStream();
                var writer = new BinaryWriter(payload);
                writer.Write(DoneKind);
                writer.Write(id);
                Write(payload); // first: a write that fails leaves the batch open, to be marked again
                _segmentOf.Remove(id);
                _segments[number].Open.Remove(id);
            }

            DeleteDoneFromTheOldest(keepCurrent: true);

            // The only segment left, with nothing open and grown to its share, is replaced by an empty one.
            if (_segments.Count == 1 && _segments[_currentNumber] is { Open.Count: 0 } current && current.Bytes > _maxBytes / 4)
            {
                _current.Dispose();
                File.Delete(current.Path);
                _segments.Remove(_currentNumber);
                StartSegment();
            }

            SyncIfDue(force: false);
        }
    }

    /// <summary>
    /// Deletes segments with nothing open from the oldest on, stopping at the first that holds an open batch: a done mark
    /// is written to the segment current at the time, after its batch's own, so a newer segment may hold the marks of
    /// an older one's batches — deleted while the older one is kept, they would be replayed again after a crash.
    /// </summary>
    private void DeleteDoneFromTheOldest(bool keepCurrent)
    {
        while (_segments.Count > 0)
        {
            var (number, oldest) = _segments.First();
            if (oldest.Open.Count > 0 || (keepCurrent && number == _currentNumber))
            {
                return;
            }

            File.Delete(oldest.Path);
            _segments.Remove(number);
        }
    }

    private void Write(MemoryStream payload) => Write(payload.GetBuffer().AsSpan(0, (int)payload.Length), []);

    /// <summary>One record whose payload is <paramref name="head"/> then <paramref name="tail"/>.</summary>
    private void Write(ReadOnlySpan<byte> head, ReadOnlySpan<byte> tail)
    {
        var crc = new Crc32();
        crc.Append(head);
        crc.Append(tail);
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(header, head.Length + tail.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], crc.GetCurrentHashAsUInt32());
        _current.Write(header);
        _current.Write(head);
        _current.Write(tail);
        // To the OS at once: a killed process then loses nothing; fsync (power loss) is batched.
        _current.Flush(flushToDisk: false);
        _segments[_currentNumber].Bytes += 8 + head.Length + tail.Length;
        if (_segments[_currentNumber].Bytes > _maxBytes / 4)
        {
            _current.Flush(flushToDisk: true);
            _current.Dispose();
            StartSegment();
        }
    }

    /// <summary>Beyond the limit, the oldest segment goes; its open batches are dropped (returned for counting).</summary>
    private List<long> Trim()
    {
        var dropped = new List<long>();
        while (_segments.Values.Sum(s => s.Bytes) > _maxBytes && _segments.Count > 1)
        {
            var (number, oldest) = _segments.First();
            foreach (var id in oldest.Open)
            {
                _segmentOf.Remove(id);
                dropped.Add(id);
            }

            File.Delete(oldest.Path);
            _segments.Remove(number);
        }

        return dropped;
    }

    private void SyncIfDue(bool force)
    {
        var now = _time.GetUtcNow();
        if (force || now - _lastSync >= SyncEvery)
        {
            _current.Flush(flushToDisk: true);
            _lastSync = now;
        }
    }

    private void StartSegment()
    {
        _currentNumber++;
        var path = Path.Combine(_directory, $"{_currentNumber:D20}.wal");
        _current = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 64 * 1024);
        _segments[_currentNumber] = new Segment(path) { Bytes = _current.Length };
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _current.Flush(flushToDisk: true);
            _current.Dispose();
            _lock?.Dispose();
        }
    }
}
