namespace CxContact.Server.Sftp;

/// <summary>
/// Remote paths are POSIX paths on the server. A connection's base path confines what may be fetched through it:
/// relative paths are joined to it, absolute ones must lie inside it, and ".." is refused everywhere rather than
/// resolved (the server, not us, knows what it points to).
/// </summary>
public static class SftpRemotePath
{
    public const int MaxLength = 1000;

    /// <summary>Why a path may not be used, or null when it may.</summary>
    public static string? Problem(string? path)
    {
        if (string.IsNullOrWhiteSpace(path)) return "is empty";
        if (path.Length > MaxLength) return $"is {path.Length} characters long; at most {MaxLength} are allowed";
        if (path.Any(char.IsControl)) return "contains control characters";
        if (path.Split('/').Any(s => s == "..")) return "may not contain \"..\" segments";
        return null;
    }

    /// <summary>The path to ask the server for; throws <see cref="SftpFetchException"/> (InvalidPath) when it may not be used.</summary>
    public static string Join(string? basePath, string remotePath)
    {
        if (Problem(remotePath) is { } problem) throw Invalid(remotePath, problem);
        if (string.IsNullOrEmpty(basePath)) return remotePath;
        var root = basePath.Length > 1 ? basePath.TrimEnd('/') : basePath;
        if (!remotePath.StartsWith('/')) return root == "/" ? "/" + remotePath : root + "/" + remotePath;
        if (root == "/" || remotePath == root || remotePath.StartsWith(root + "/", StringComparison.Ordinal)) return remotePath;
        throw Invalid(remotePath, $"is outside the connection's base path {basePath}");
    }

    private static SftpFetchException Invalid(string? path, string problem) =>
        new(SftpFailure.InvalidPath, $"the remote path \"{path}\" {problem}");
}
