using Microsoft.Extensions.Options;

namespace X0tta6bl4.Ops.Dashboard.Auth;

/// <summary>Section "Auth": who may sign in, and whether /metrics is open to scrapers.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    public List<UserOptions> Users { get; set; } = [];

    /// <summary>Let Prometheus scrape /metrics without signing in.</summary>
    public bool AnonymousMetrics { get; set; } = true;
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

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
