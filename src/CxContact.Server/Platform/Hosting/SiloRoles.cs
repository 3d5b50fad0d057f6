namespace CxContact.Server.Platform.Hosting;

/// <summary>What one silo process does, from CXC_ROLES. Any silo can play any role; Kubernetes splits them.</summary>
[Flags]
public enum SiloRoles
{
    None = 0,
    /// <summary>HTTP API and UI.</summary>
    Api = 1,
    /// <summary>Validation endpoints and grains.</summary>
    Compliance = 2,
    /// <summary>Campaign and list grains, preload.</summary>
    Campaign = 4,
    /// <summary>The Hangfire server.</summary>
    Scheduler = 8,
    /// <summary>The Dial Manager (SMS, email).</summary>
    Messaging = 16,
    All = Api | Compliance | Campaign | Scheduler | Messaging,
}
