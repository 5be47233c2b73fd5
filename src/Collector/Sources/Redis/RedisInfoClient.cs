using System.Net.Sockets;
using System.Text;

namespace X0tta6bl4.Ops.Collector.Sources.Redis;

/// <summary>
/// Asks Redis for <c>INFO all</c> over a short-lived connection of its own (RESP2): nothing to
/// reconnect, nothing shared with the monitored application, and the poll's timeout bounds it all.
/// </summary>
public sealed class RedisInfoClient(string host, int port, string? password)
{
    public async Task<string> InfoAsync(CancellationToken cancellationToken)
    {
        using var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(host, port, cancellationToken);
        }
        catch (SocketException e)
        {
            throw new SourceException($"Redis at {host}:{port} is unreachable: {e.Message}", e);
        }

        await using var stream = client.GetStream();
        var reader = new RespReader(stream);
        if (!string.IsNullOrEmpty(password))
        {
            await SendAsync(stream, cancellationToken, "AUTH", password);
            await reader.ReadReplyAsync(cancellationToken);
        }

        await SendAsync(stream, cancellationToken, "INFO", "all");
        return await reader.ReadReplyAsync(cancellationToken)
            ?? throw new SourceException("Redis answered INFO with a null reply.");
    }

    private static async Task SendAsync(NetworkStream stream, CancellationToken cancellationToken, params string[] parts)
    {
        var command = new StringBuilder().Append('*').Append(parts.Length).Append("\r\n");
        foreach (var part in parts)
        {
            command.Append('$').Append(Encoding.UTF8.GetByteCount(part)).Append("\r\n").Append(part).Append("\r\n");
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes(command.ToString()), cancellationToken);
    }

    /// <summary>Reads simple strings, errors and bulk strings: all INFO and AUTH ever answer.</summary>
    private sealed class RespReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;

        public async Task<string?> ReadReplyAsync(CancellationToken cancellationToken)
        {
            var line = await ReadLineAsync(cancellationToken);
            switch (line[0])
            {
                case '+':
                    return line[1..];
                case '-':
                    throw new SourceException($"Redis answered with an error: {line[1..]}");
                case '$':
                    if (!int.TryParse(line.AsSpan(1), out var length) || length < -1 || length > 64 * 1024 * 1024)
                    {
                        throw new SourceException($"Redis sent a malformed bulk length: {line}");
                    }

                    if (length == -1)
                    {
                        return null;
                    }

                    var data = await ReadExactlyAsync(length + 2, cancellationToken);
                    return Encoding.UTF8.GetString(data, 0, length);
                default:
                    throw new SourceException($"Redis sent an unexpected reply: {line[..Math.Min(line.Length, 40)]}");
            }
        }

        private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var index = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                if (index > _start && _buffer[index - 1] == '\r')
                {
                    var line = Encoding.UTF8.GetString(_buffer, _start, index - 1 - _start);
                    _start = index + 1;
                    if (line.Length == 0)
                    {
                        throw new SourceException("Redis sent an empty reply line.");
                    }

                    return line;
                }

                await FillAsync(cancellationToken);
            }
        }

        private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
        {
            var result = new byte[count];
            var copied = 0;
            while (copied < count)
            {
                if (_start == _end)
                {
                    await FillAsync(cancellationToken);
                }

                var n = Math.Min(count - copied, _end - _start);
                Array.Copy(_buffer, _start, result, copied, n);
                _start += n;
                copied += n;
            }

            return result;
        }

        private async Task FillAsync(CancellationToken cancellationToken)
        {
            if (_start > 0)
            {
                Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                throw new SourceException("Redis sent a reply line longer than 64 KiB.");
            }

            var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0)
            {
                throw new SourceException("Redis closed the connection mid-reply.");
            }

            _end += read;
        }
    }
}
