using System.Security.Cryptography;
using System.Text;

namespace CxContact.Core.Tenancy;

/// <summary>
/// Makes and hashes API key secrets. A key is 32 random bytes, so one SHA-256 is enough to store it safely:
/// a slow password hash protects guessable secrets, and these are not guessable. Only the hash is stored.
/// </summary>
public static class ApiKeySecret
{
    /// <summary>Every key starts with this, so secret scanners and people can recognise one.</summary>
    public const string Prefix = "cxc_";

    /// <summary>Keys given by configuration (bootstrap, demo) must be at least this long.</summary>
    public const int MinimumLength = 32;

    public static string Generate()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return Prefix + Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>The first characters of a key, kept in clear so a person can tell their keys apart in a listing.</summary>
    public static string Hint(string key) => key.Length <= 12 ? key[..Math.Min(4, key.Length)] : key[..12];
}
