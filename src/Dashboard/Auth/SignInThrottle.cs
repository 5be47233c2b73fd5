using Microsoft.Extensions.Options;

namespace X0tta6bl4.Ops.Dashboard.Auth;

/// <summary>
/// Counts failed sign-ins per user name and per client address; too many within the window lock that name or
/// address out for a while. Unknown names are counted like known ones, so a lockout tells nothing about who exists.
/// ASP.NET Core's rate limiter counts requests, not failures, so a sign-in that succeeds could not clear it.
/// </summary>
public sealed class SignInThrottle(TimeProvider time, IOptions<AuthOptions> options)
{
    // An attacker spraying names is stopped by the address limit long before this; it bounds memory regardless.
    private const int MaxEntries = 100_000;

    private readonly object _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    private sealed class Entry
    {
        public int Failures;
        public DateTimeOffset WindowStart;
        public DateTimeOffset LockedUntil;
    }

    private LockoutOptions Options => options.Value.Lockout;

    /// <summary>How long the name or the address is still locked out; null when neither is.</summary>
    public TimeSpan? LockedFor(string? user, string address)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var until = new[] { UserKey(user), AddressKey(address) }
                .Select(k => _entries.TryGetValue(k, out var e) ? e.LockedUntil : DateTimeOffset.MinValue)
                .Max();
            return until > now ? until - now : null;
        }
    }

    public void Failed(string? user, string address)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            Count(UserKey(user), Options.MaxFailuresPerUser, now);
            Count(AddressKey(address), Options.MaxFailuresPerAddress, now);
        }
    }

    /// <summary>A successful sign-in clears its name's failures; its address's stay (one good account does not vouch for the rest).</summary>
    public void Succeeded(string user)
    {
        lock (_gate)
        {
            _entries.Remove(UserKey(user));
        }
    }

    private void Count(string key, int max, DateTimeOffset now)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            if (_entries.Count >= MaxEntries && !Prune(now))
            {
                return;
            }

            entry = new Entry { WindowStart = now };
            _entries[key] = entry;
        }

        if (now - entry.WindowStart > TimeSpan.FromSeconds(Options.WindowSeconds))
        {
            entry.Failures = 0;
            entry.WindowStart = now;
        }

        if (++entry.Failures >= max)
        {
            entry.LockedUntil = now + TimeSpan.FromSeconds(Options.LockoutSeconds);
            entry.Failures = 0;
            entry.WindowStart = now;
        }
    }

    /// <summary>Forgets entries whose window and lockout are over; false when none could go.</summary>
    private bool Prune(DateTimeOffset now)
    {
        var window = TimeSpan.FromSeconds(Options.WindowSeconds);
        var stale = _entries.Where(e => e.Value.LockedUntil <= now && now - e.Value.WindowStart > window).Select(e => e.Key).ToList();
        foreach (var key in stale)
        {
            _entries.Remove(key);
        }

        return stale.Count > 0;
    }

    private static string UserKey(string? user) => "user:" + (user ?? string.Empty).ToUpperInvariant();

    private static string AddressKey(string address) => "address:" + address;
}
