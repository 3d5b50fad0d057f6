namespace CxContact.Server.Sftp;

/// <summary>
/// Pinned host keys are SHA256 fingerprints as OpenSSH prints them ("SHA256:" and unpadded base64 of 32 bytes),
/// which is what SSH.NET's HostKeyEventArgs.FingerPrintSHA256 gives after the prefix.
/// </summary>
public static class HostKeyFingerprint
{
    public const string Prefix = "SHA256:";

    /// <summary>
    /// Reads a fingerprint as a user pastes it: the bare "SHA256:…", with or without base64 padding, or a whole
    /// "ssh-keygen -lf" line. Returns the canonical form, or null with the reason.
    /// </summary>
    public static string? Normalize(string? value, out string? problem)
    {
        problem = null;
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            problem = "is required: the server's host key fingerprint, as \"ssh-keygen -lf <host key>.pub\" prints it (SHA256:…); the host key is pinned";
            return null;
        }
        var token = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(t => t.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)) ?? text;
        if (token.StartsWith("MD5:", StringComparison.OrdinalIgnoreCase) || (token.Length == 47 && token.Count(c => c == ':') == 15))
        {
            problem = "is an MD5 fingerprint; give the SHA256 one (ssh-keygen -lf <host key>.pub -E sha256)";
            return null;
        }
        if (!token.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            problem = "must start with \"SHA256:\", as \"ssh-keygen -lf <host key>.pub\" prints it";
            return null;
        }
        var b64 = token[Prefix.Length..].TrimEnd('=');
        var padded = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
        var bytes = new byte[33];
        if (!Convert.TryFromBase64String(padded, bytes, out var n) || n != 32)
        {
            problem = "is not a SHA256 fingerprint: after \"SHA256:\" come 43 base64 characters (32 bytes)";
            return null;
        }
        return Prefix + Convert.ToBase64String(bytes, 0, 32).TrimEnd('=');
    }

    /// <summary>The canonical form of what SSH.NET reports (it omits the prefix).</summary>
    public static string FromSshNet(string fingerPrintSha256) => Prefix + fingerPrintSha256.TrimEnd('=');
}
