using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Portal.Core.Persistence;
using Portal.Core.Persistence.KeyRing;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Integration;

/// <summary>The data-protection key ring in PostgreSQL, encrypted with KMS (moto), shared by two replicas.</summary>
[Collection(MotoGroup.Name)]
public sealed class KeyRingTests(MotoServerFixture moto) : IDisposable
{
    private readonly TestDatabase _database = new(DatabaseProvider.PostgreSql);

    [Fact]
    public async Task WhatOneReplicaProtects_AnotherUnprotects_AndTheStoredKeysAreEncryptedWithKms()
    {
        string keyId;
        using (var aws = AwsClients.For(moto))
        {
            keyId = (await aws.GetRequiredService<IAmazonKeyManagementService>().CreateKeyAsync(new CreateKeyRequest { Description = "key ring" })).KeyMetadata.KeyId;
        }

        using var a = Replica(keyId);
        using var b = Replica(keyId);
        var cookie = a.GetRequiredService<IDataProtectionProvider>().CreateProtector("cookie").Protect("signed in as alice");

        Assert.Equal("signed in as alice", b.GetRequiredService<IDataProtectionProvider>().CreateProtector("cookie").Unprotect(cookie));
        await using var db = _database.CreateDbContext();
        var stored = Assert.Single(await db.DataProtectionKeys.ToListAsync());
        Assert.Contains("kmsEncryptedKey", stored.Xml, StringComparison.Ordinal);
        Assert.DoesNotContain("<masterKey", stored.Xml, StringComparison.Ordinal);
    }

    [Fact]
    public void PostgreSqlOutsideDevelopment_WithoutAKmsKey_RefusesToStart()
    {
        using var replica = Replica(null);

        var refused = Assert.Throws<OptionsValidationException>(() => replica.GetRequiredService<IDataProtectionProvider>().CreateProtector("cookie").Protect("x"));

        Assert.Contains("Portal:KeyRing:KmsKeyId: required with PostgreSQL outside Development", refused.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _database.Dispose();

    private ServiceProvider Replica(string? kmsKeyId) => AwsClients.For(moto, services =>
    {
        services.AddSingleton<IDbContextFactory<PortalDbContext>>(_database);
        services.AddSingleton<IHostEnvironment>(new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = Environments.Production });
        services.Configure<PersistenceOptions>(o => o.Provider = "PostgreSQL");
        services.AddDataProtection().SetApplicationName("bastion-portal").PersistKeysToPortalDatabase();
        services.Configure<KeyRingOptions>(o => o.KmsKeyId = kmsKeyId);
    });
}
