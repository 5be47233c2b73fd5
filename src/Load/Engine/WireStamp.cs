namespace X0tta6bl4.Ops.Load.Engine;

/// <summary>
/// The moment a request's first bytes reach the connection — its actual send, from which service time counts. A
/// request may wait in the client for a free connection (when the plan allows fewer connections than requests in
/// flight, as wrk's -c does); that wait is the client's queue, not the server's time, so it must stay out of service
/// time while it stays in latency (from the intended start). The stamp flows with the request's async context into
/// the connection's stream (<see cref="WireStampStream"/>), which marks it on the first write.
/// </summary>
internal sealed class WireStamp(TimeProvider time)
{
    private static readonly AsyncLocal<WireStamp?> CurrentStamp = new();

    public static WireStamp? Current
    {
        get => CurrentStamp.Value;
        set => CurrentStamp.Value = value;
    }

    /// <summary>0 until the first write.</summary>
    public long Timestamp { get; private set; }

    public void Mark()
    {
        if (Timestamp == 0)
        {
            Timestamp = time.GetTimestamp();
        }
    }
}

/// <summary>A connection's stream that marks the current request's <see cref="WireStamp"/> when it writes; otherwise a pass-through.</summary>
internal sealed class WireStampStream(Stream inner) : Stream
{
    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count)
    {
        WireStamp.Current?.Mark();
        inner.Write(buffer, offset, count);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        WireStamp.Current?.Mark();
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        WireStamp.Current?.Mark();
        return inner.WriteAsync(buffer, offset, count, cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => inner.DisposeAsync();
}
