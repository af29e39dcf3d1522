using Amazon.Runtime;

namespace Portal.Core.Aws;

/// <summary>
/// The one place where an AWS SDK failure becomes an <see cref="AwsApiException"/>: service errors keep their code
/// and request id, AccessDenied can name the missing permission, and failures before any answer (no credentials,
/// network) get <c>NoCredentials</c> or <c>NetworkError</c>. Expected outcomes ("not found") are the caller's to catch
/// inside the call and return as results.
/// </summary>
internal static class AwsSdkCall
{
    public static async Task<T> RunAsync<T>(string service, string operation, Func<Task<T>> call, string? accessDeniedMessage = null)
    {
        try
        {
            return await call();
        }
        catch (AmazonServiceException ex)
        {
            throw AwsApiException.FromSdk(service, operation, ex, ex.ErrorCode == "AccessDenied" ? accessDeniedMessage : null);
        }
        catch (Exception ex) when (ex is AmazonClientException or HttpRequestException)
        {
            throw AwsApiException.FromClient(service, operation, ex);
        }
    }
}
