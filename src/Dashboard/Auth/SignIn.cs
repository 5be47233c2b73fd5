using System.Net;

namespace X0tta6bl4.Ops.Dashboard.Auth;

/// <summary>The outcome of a sign-in: the user, or why not (a wrong name or password, or a lockout and how long it lasts).</summary>
public sealed record SignInResult(UserOptions? User, TimeSpan? LockedFor)
{
    public bool Locked => LockedFor is not null;
}

/// <summary>
/// Every sign-in, by form or HTTP Basic: the lockout checked first, the password verified (the same work whether or
/// not the name exists), the attempt counted and logged — name, address and outcome, never the password.
/// </summary>
public sealed class SignIn(UserDirectory users, SignInThrottle throttle, ILogger<SignIn> logger)
{
    public SignInResult Attempt(string? name, string? password, IPAddress? address, string scheme, bool remembered = false)
    {
        var client = address?.ToString() ?? "unknown";
        var shownName = Shown(name);
        if (remembered && name is not null && password is not null && users.Remembered(name, password) is { } known)
        {
            // Credentials verified within the last minutes: a lockout raised by someone else's guesses does not stop them.
            return new SignInResult(known, null);
        }

        if (throttle.LockedFor(name, client) is { } locked)
        {
            logger.LogWarning("Sign-in ({Scheme}) of {User} from {Address} refused: locked out for {Seconds:0} s more", scheme, shownName, client, locked.TotalSeconds);
            return new SignInResult(null, locked);
        }

        var user = remembered && name is not null && password is not null ? users.VerifyRemembered(name, password) : users.Verify(name, password);
        if (user is null)
        {
            throttle.Failed(name, client);
            logger.LogWarning("Sign-in ({Scheme}) of {User} from {Address} failed: unknown user or wrong password", scheme, shownName, client);
            return new SignInResult(null, null);
        }

        throttle.Succeeded(user.Name);
        logger.LogInformation("Sign-in ({Scheme}) of {User} from {Address} succeeded", scheme, user.Name, client);
        return new SignInResult(user, null);
    }

    /// <summary>A typed name as logged: bounded, one line (a password typed in the name field stays recognisable only in part).</summary>
    private static string Shown(string? name) =>
        name is null ? "(none)" : new string(name.Take(64).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
