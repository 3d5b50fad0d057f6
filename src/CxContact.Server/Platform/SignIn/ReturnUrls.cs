namespace CxContact.Server.Platform.SignIn;

/// <summary>Where a sign-in may send the browser afterwards: a path of this site only, never another host.</summary>
public static class ReturnUrls
{
    public static string Local(string? url) =>
        url is { Length: > 0 and <= 2000 } u && u[0] == '/' && (u.Length == 1 || (u[1] != '/' && u[1] != '\\')) && !u.Any(char.IsControl)
            ? u : "/";
}
