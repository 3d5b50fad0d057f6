using Orleans.Placement;
using Orleans.Runtime.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace CxContact.Server.Platform.Hosting;

/// <summary>
/// Keeps the silos whose metadata lists the grain type's role. When none does, placement fails with
/// <see cref="NoSiloForRoleException"/>, which the API answers as a 503 naming the role: better than activating the
/// grain on a silo that was sized and scaled for something else.
/// </summary>
public sealed class SiloRolePlacementFilterDirector(ISiloMetadataCache metadata) : IPlacementFilterDirector
{
    public const string MetadataKey = "cxc.roles";

    public IEnumerable<SiloAddress> Filter(PlacementFilterStrategy filterStrategy, PlacementTarget target, IEnumerable<SiloAddress> silos)
    {
        var role = (filterStrategy as SiloRolePlacementFilterStrategy)?.Role;
        if (string.IsNullOrEmpty(role)) return silos;
        var matching = silos.Where(s => metadata.GetSiloMetadata(s).Metadata.GetValueOrDefault(MetadataKey) is { } roles
            && roles.Split(',').Contains(role, StringComparer.Ordinal)).ToList();
        return matching.Count > 0 ? matching : throw new NoSiloForRoleException(role, target.GrainIdentity.Type.ToString());
    }
}
