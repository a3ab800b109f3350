"""What the AWS source enumerates declaratively beyond the core data stores and logs: messaging (SQS, SNS),
warehouses and search (Redshift, OpenSearch), Kubernetes (EKS), the edge (CloudFront), APIs (API Gateway REST
and HTTP) and Systems Manager documents. Listed in `aws_resources.SPECS` with the rest."""

from __future__ import annotations

from evidence_tracer.inventory.aws_spec import Detail, ResourceSpec

SQS_QUEUES = ResourceSpec(
    "sqs.queues",
    "sqs",
    "ListQueues",
    regional=True,
    result_key="QueueUrls",
    omitted_when_empty=True,
    details=(
        Detail(
            "attributes",
            "GetQueueAttributes",
            "QueueUrl",
            "",
            result_key="Attributes",
            params={"AttributeNames": ["Policy", "QueueArn"]},
        ),
    ),
)

SNS_TOPICS = ResourceSpec(
    "sns.topics",
    "sns",
    "ListTopics",
    regional=True,
    result_key="Topics",
    id_field="TopicArn",
    details=(Detail("attributes", "GetTopicAttributes", "TopicArn", "TopicArn", result_key="Attributes"),),
)

REDSHIFT_CLUSTERS = ResourceSpec(
    "redshift.clusters",
    "redshift",
    "DescribeClusters",
    regional=True,
    result_key="Clusters",
    id_field="ClusterIdentifier",
)

EKS_CLUSTERS = ResourceSpec(
    "eks.clusters",
    "eks",
    "ListClusters",
    regional=True,
    result_key="clusters",
    details=(Detail("cluster", "DescribeCluster", "name", "", result_key="cluster"),),
)

CLOUDFRONT_DISTRIBUTIONS = ResourceSpec(
    "cloudfront.distributions",
    "cloudfront",
    "ListDistributions",
    result_key="DistributionList/Items",
    id_field="ARN",
    omitted_when_empty=True,
)

OPENSEARCH_DOMAINS = ResourceSpec(
    "opensearch.domains",
    "opensearch",
    "ListDomainNames",
    regional=True,
    result_key="DomainNames",
    id_field="DomainName",
    details=(
        Detail(
            "domain",
            "DescribeDomain",
            "DomainName",
            "DomainName",
            result_key="DomainStatus",
            permission="es:DescribeDomain",
        ),
    ),
    permission="es:ListDomainNames",
)

REST_APIS = ResourceSpec(
    "apigateway.rest_apis",
    "apigateway",
    "GetRestApis",
    regional=True,
    result_key="items",
    id_field="id",
    details=(Detail("stages", "GetStages", "restApiId", "id", result_key="item"),),
    permission="apigateway:GET",
)

HTTP_APIS = ResourceSpec(
    "apigatewayv2.apis",
    "apigatewayv2",
    "GetApis",
    regional=True,
    result_key="Items",
    id_field="ApiId",
    details=(Detail("stages", "GetStages", "ApiId", "ApiId", result_key="Items", permission="apigateway:GET"),),
    permission="apigateway:GET",
)

SSM_DOCUMENTS = ResourceSpec(
    "ssm.documents",
    "ssm",
    "ListDocuments",
    regional=True,
    result_key="DocumentIdentifiers",
    id_field="Name",
    params={"Filters": [{"Key": "Owner", "Values": ["Self"]}]},
    details=(
        Detail(
            "sharing",
            "DescribeDocumentPermission",
            "Name",
            "Name",
            result_key="AccountIds",
            params={"PermissionType": "Share"},
        ),
    ),
)
