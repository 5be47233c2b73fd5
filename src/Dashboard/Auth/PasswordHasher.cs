using System.Security.Cryptography;

namespace X0tta6bl4.Ops.Dashboard.Auth;

/// <summary>PBKDF2-SHA256 password hashes written as <c>pbkdf2-sha256$iterations$salt$hash</c> (base64).</summary>
public static class PasswordHasher
{
    private const string Prefix = "pbkdf2-sha256";
    private const int Iterations = 210_000;

    public static string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, Iterations, HashAlgorithmName.SHA256, 32);
        return $"{Prefix}${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public static bool IsHash(string? text) => Parse(text) is not null;

    public static bool Verify(string password, string storedHash)
    {
        if (Parse(storedHash) is not { } parts)
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(password, parts.Salt, parts.Iterations, HashAlgorithmName.SHA256, parts.Hash.Length);
        return CryptographicOperations.FixedTimeEquals(actual, parts.Hash);
    }

    private static (int Iterations, byte[] Salt, byte[] Hash)? Parse(string? text)
    {
        var parts = text?.Split('$');
        if (parts is not { Length: 4 } || parts[0] != Prefix || !int.TryParse(parts[1], out var iterations) || iterations < 10_000)
        {
            return null;
        }

        try
        {
            return (iterations, Convert.FromBase64String(parts[2]), Convert.FromBase64String(parts[3]));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
