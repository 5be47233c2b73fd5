using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace X0tta6bl4.Ops.Dashboard.Auth;

/// <summary>
/// The users who may sign in. With none configured, one operator "admin" is made for this run with a
/// random password written to the log, so a fresh install can be opened at once (and nobody else can).
/// </summary>
public sealed class UserDirectory
{
    private static readonly TimeSpan RememberFor = TimeSpan.FromMinutes(5);

    private readonly IReadOnlyList<UserOptions> _users;
    private readonly TimeProvider _time;

    // An unknown name is checked against this hash, so it costs what a known one costs and timing tells nothing.
    private readonly string _dummyHash = PasswordHasher.Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)));

    // PBKDF2 costs tens of milliseconds by design; a script sending Basic credentials with every query
    // would pay it every time. Credentials already verified are remembered briefly, by their SHA-256.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (UserOptions User, DateTime Until)> _verified = new();

    public UserDirectory(IOptions<AuthOptions> options, ILogger<UserDirectory> logger, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        if (options.Value.Users.Count > 0)
        {
            _users = options.Value.Users;
            return;
        }

        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('+', 'x').Replace('/', 'y');
        _users = [new UserOptions { Name = "admin", PasswordHash = PasswordHasher.Hash(password), Role = Roles.Operator }];
        logger.LogWarning("No users are configured (Auth:Users). For this run only, sign in as 'admin' with the password {Password}. See the README to add your own.", password);
    }

    /// <summary>Like <see cref="Verify"/>, remembering a success for a few minutes (for HTTP Basic, sent with every request).</summary>
    public UserOptions? VerifyRemembered(string name, string password)
    {
        if (Remembered(name, password) is { } known)
        {
            return known;
        }

        var user = Verify(name, password);
        if (user is not null)
        {
            _verified[RememberKey(name, password)] = (user, _time.GetUtcNow().UtcDateTime + RememberFor);
        }

        return user;
    }

    /// <summary>The user whose name and password were verified within the last minutes, without hashing; null otherwise.</summary>
    public UserOptions? Remembered(string name, string password) =>
        _verified.TryGetValue(RememberKey(name, password), out var known) && known.Until > _time.GetUtcNow().UtcDateTime ? known.User : null;

    private static string RememberKey(string name, string password) =>
        Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name + "\n" + password)));

    /// <summary>The user, when the name and password match; null otherwise. The same hashing work whether or not the name exists.</summary>
    public UserOptions? Verify(string? name, string? password)
    {
        var user = _users.FirstOrDefault(u => string.Equals(u.Name, name, StringComparison.OrdinalIgnoreCase));
        var matches = PasswordHasher.Verify(password ?? string.Empty, user?.PasswordHash ?? _dummyHash);
        return user is not null && password is not null && matches ? user : null;
    }
}
