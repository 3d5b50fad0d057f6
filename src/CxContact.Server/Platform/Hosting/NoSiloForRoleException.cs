namespace CxContact.Server.Platform.Hosting;

/// <summary>No active silo plays the role a grain type must run on (for example, no campaign silo is up).</summary>
[GenerateSerializer, Alias("cxc.NoSiloForRoleException")]
public sealed class NoSiloForRoleException : Exception
{
    public NoSiloForRoleException() { }
    public NoSiloForRoleException(string message, Exception inner) : base(message, inner) { }
    public NoSiloForRoleException(string role, string grainType)
        : base($"No silo with the role \"{role}\" is active, and {grainType} grains run only there; start one (CXC_ROLES).") => Role = role;

    [Id(0)] public string? Role { get; init; }
}
