using Microsoft.Extensions.Options;

namespace X0tta6bl4.Ops.Dashboard.Auth;

/// <summary>Section "Auth": who may sign in, and whether /metrics is open to scrapers.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    public List<UserOptions> Users { get; set; } = [];

    /// <summary>Let Prometheus scrape /metrics without signing in.</summary>
    public bool AnonymousMetrics { get; set; } = true;

    public OidcOptions Oidc { get; set; } = new();

    public LockoutOptions Lockout { get; set; } = new();
}

/// <summary>Failed sign-ins allowed per user name and per client address within a window, and how long a lockout lasts.</summary>
public sealed class LockoutOptions
{
    public int MaxFailuresPerUser { get; set; } = 5;

    // Higher than per user: several people may sign in from behind one proxy.
    public int MaxFailuresPerAddress { get; set; } = 20;

    public double WindowSeconds { get; set; } = 900;

    public double LockoutSeconds { get; set; } = 300;
}

/// <summary>Sign-in through an OpenID Connect provider, when <see cref="Authority"/> is set.</summary>
public sealed class OidcOptions
{
    public string Authority { get; set; } = string.Empty;

    public string ClientId { get; set; } = string.Empty;

    /// <summary>Set it from the environment (Auth__Oidc__ClientSecret), never in a file.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The claim that carries the user's roles or groups.</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>The value of <see cref="RoleClaim"/> that makes an operator; everyone else signs in as a viewer.</summary>
    public string OperatorValue { get; set; } = "operator";

    public string DisplayName { get; set; } = "single sign-on";

    public bool RequireHttpsMetadata { get; set; } = true;

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);
}

public sealed class UserOptions
{
    public string Name { get; set; } = string.Empty;

    /// <summary>A hash from <c>dotnet run --project src/Dashboard -- hash-password</c>, never the password itself.</summary>
    public string PasswordHash { get; set; } = string.Empty;

    /// <summary>"viewer" (read) or "operator" (also acknowledges alerts).</summary>
    public string Role { get; set; } = Roles.Viewer;
}

public static class Roles
{
    public const string Viewer = "viewer";
    public const string Operator = "operator";
}

public sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var errors = new List<string>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (user, i) in options.Users.Select((u, i) => (u, i)))
        {
            if (string.IsNullOrWhiteSpace(user.Name))
            {
                errors.Add($"Auth:Users:{i}:Name is empty.");
            }
            else if (!names.Add(user.Name))
            {
                errors.Add($"Auth:Users:{i}:Name '{user.Name}' is used twice.");
            }

            if (!PasswordHasher.IsHash(user.PasswordHash))
            {
                errors.Add($"Auth:Users:{i}:PasswordHash is not a hash made by 'hash-password'.");
            }

            if (user.Role is not (Roles.Viewer or Roles.Operator))
            {
                errors.Add($"Auth:Users:{i}:Role must be 'viewer' or 'operator' (was '{user.Role}').");
            }
        }

        var lockout = options.Lockout;
        if (lockout.MaxFailuresPerUser < 1 || lockout.MaxFailuresPerAddress < 1)
        {
            errors.Add($"Auth:Lockout:MaxFailuresPerUser and MaxFailuresPerAddress must be at least 1 (were {lockout.MaxFailuresPerUser}, {lockout.MaxFailuresPerAddress}).");
        }

        if (!(lockout.WindowSeconds is >= 1 and <= 86_400) || !(lockout.LockoutSeconds is >= 1 and <= 86_400))
        {
            errors.Add($"Auth:Lockout:WindowSeconds and LockoutSeconds must be 1–86400 (were {lockout.WindowSeconds}, {lockout.LockoutSeconds}).");
        }

        if (options.Oidc.Enabled)
        {
            if (!Uri.TryCreate(options.Oidc.Authority, UriKind.Absolute, out _))
            {
                errors.Add($"Auth:Oidc:Authority '{options.Oidc.Authority}' is not an absolute URL.");
            }

            if (string.IsNullOrWhiteSpace(options.Oidc.ClientId))
            {
                errors.Add("Auth:Oidc:ClientId is required with Auth:Oidc:Authority.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
