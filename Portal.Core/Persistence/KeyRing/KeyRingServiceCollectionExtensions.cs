using Amazon.KeyManagementService;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Portal.Core.Options;

namespace Portal.Core.Persistence.KeyRing;

/// <summary>Puts the data-protection key ring in the portal's database, encrypted with KMS when a key is configured.</summary>
public static class KeyRingServiceCollectionExtensions
{
    /// <summary>
    /// The portal's data protection (sign-in cookies, antiforgery, the people directory's tokens): one application
    /// name on every replica, the keys in the database (<see cref="PersistKeysToPortalDatabase"/>). The web host
    /// registers it after its startup task, so migrations run before the ring is first read.
    /// </summary>
    public static IDataProtectionBuilder AddPortalDataProtection(this IServiceCollection services) =>
        services.AddDataProtection().SetApplicationName("bastion-portal").PersistKeysToPortalDatabase();

    /// <summary>
    /// Keeps the key ring in the database (the sandbox's in its own file, so the two never share keys) and, with
    /// <c>Portal:KeyRing:KmsKeyId</c>, encrypts each key with KMS. PostgreSQL outside Development requires the KMS key:
    /// the ring is shared with every replica and whoever can read the database.
    /// </summary>
    public static IDataProtectionBuilder PersistKeysToPortalDatabase(this IDataProtectionBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddPortalOptions<KeyRingOptions>(KeyRingOptions.SectionName);
        builder.Services.AddOptions<KeyManagementOptions>()
            .Configure<IServiceProvider>((options, services) =>
            {
                options.XmlRepository = new DatabaseXmlRepository(services.GetRequiredService<IDbContextFactory<PortalDbContext>>());
                var keyRing = services.GetRequiredService<IOptions<KeyRingOptions>>().Value;
                if (keyRing.KmsKeyId is { Length: > 0 } keyId)
                {
                    options.XmlEncryptor = new KmsXmlEncryptor(services.GetRequiredService<IAmazonKeyManagementService>(), keyId);
                }
                else if (services.GetRequiredService<IOptions<PersistenceOptions>>().Value.ProviderKind == DatabaseProvider.PostgreSql
                    && !services.GetRequiredService<IHostEnvironment>().IsDevelopment())
                {
                    throw new OptionsValidationException(
                        KeyRingOptions.SectionName,
                        typeof(KeyRingOptions),
                        [$"{KeyRingOptions.SectionName}:KmsKeyId: required with PostgreSQL outside Development, so the key ring that every replica shares is encrypted at rest (a symmetric KMS key the portal's role may Encrypt and Decrypt with)."]);
                }
            });
        return builder;
    }
}
