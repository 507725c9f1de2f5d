extension OpenAPIDocument {
    /// The operations of this feature, merged into the served document (see `fragments`).
    static let conversationsAndFilters = #"""
{
 "components": {
  "schemas": {
   "Conversation": {
    "additionalProperties": false,
    "description": "Mastodon's Conversation (one per participant).",
    "properties": {
     "accounts": {
      "items": {
       "$ref": "#/components/schemas/Account"
      },
      "type": "array"
     },
     "id": {
      "type": "string"
     },
     "last_status": {
      "anyOf": [
       {
        "$ref": "#/components/schemas/Status"
       },
       {
        "type": "null"
       }
      ]
     },
     "unread": {
      "type": "boolean"
     }
    },
    "required": [
     "id",
     "unread",
     "accounts",
     "last_status"
    ],
    "type": "object"
   },
   "Filter": {
    "additionalProperties": false,
    "description": "Mastodon's Filter (v2).",
    "properties": {
     "context": {
      "description": "Where the filter applies.",
      "items": {
       "enum": [
        "home",
        "notifications",
        "public",
        "thread",
        "account"
       ],
       "type": "string"
      },
      "type": "array"
     },
     "expires_at": {
      "format": "date-time",
      "type": [
       "string",
       "null"
      ]
     },
     "filter_action": {
      "enum": [
       "warn",
       "hide"
      ],
      "type": "string"
     },
     "id": {
      "type": "string"
     },
     "keywords": {
      "items": {
       "$ref": "#/components/schemas/FilterKeyword"
      },
      "type": "array"
     },
     "statuses": {
      "items": {
       "$ref": "#/components/schemas/FilterStatus"
      },
      "type": "array"
     },
     "title": {
      "type": "string"
     }
    },
    "required": [
     "id",
     "title",
     "context",
     "expires_at",
     "filter_action",
     "keywords",
     "statuses"
    ],
    "type": "object"
   },
   "FilterKeyword": {
    "additionalProperties": false,
    "description": "Mastodon's FilterKeyword.",
    "properties": {
     "id": {
      "type": "string"
     },
     "keyword": {
      "type": "string"
     },
     "whole_word": {
      "type": "boolean"
     }
    },
    "required": [
     "id",
     "keyword",
     "whole_word"
    ],
    "type": "object"
   },
   "FilterResult": {
    "additionalProperties": false,
    "description": "Mastodon's FilterResult.",
    "properties": {
     "filter": {
      "$ref": "#/components/schemas/Filter"
     },
     "keyword_matches": {
      "items": {
       "type": "string"
      },
      "type": [
       "array",
       "null"
      ]
     },
     "status_matches": {
      "items": {
       "type": "string"
      },
      "type": [
       "array",
       "null"
      ]
     }
    },
    "required": [
     "filter",
     "keyword_matches",
     "status_matches"
    ],
    "type": "object"
   },
   "FilterStatus": {
    "additionalProperties": false,
    "description": "Mastodon's FilterStatus.",
    "properties": {
     "id": {
      "type": "string"
     },
     "status_id": {
      "type": "string"
     }
    },
    "required": [
     "id",
     "status_id"
    ],
    "type": "object"
   },
   "FollowImport": {
    "additionalProperties": false,
    "description": "A follow import's progress: entries processed so far, of which failed (not an account here).",
    "properties": {
     "created_at": {
      "format": "date-time",
      "type": "string"
     },
     "failed": {
      "type": "integer"
     },
     "finished_at": {
      "format": "date-time",
      "type": [
       "string",
       "null"
      ]
     },
     "id": {
      "type": "string"
     },
     "mode": {
      "enum": [
       "merge",
       "overwrite"
      ],
      "type": "string"
     },
     "processed": {
      "type": "integer"
     },
     "state": {
      "enum": [
       "pending",
       "running",
       "finished"
      ],
      "type": "string"
     },
     "total": {
      "type": "integer"
     },
     "type": {
      "enum": [
       "following"
      ],
      "type": "string"
     }
    },
    "required": [
     "id",
     "type",
     "mode",
     "state",
     "total",
     "processed",
     "failed",
     "created_at",
     "finished_at"
    ],
    "type": "object"
   }
  }
 },
 "paths": {
  "/api/v1/accounts/search": {
   "get": {
    "operationId": "searchAccounts",
    "parameters": [
     {
      "description": "An e-mail address, or the start of a username.",
      "in": "query",
      "name": "q",
      "required": true,
      "schema": {
       "maxLength": 200,
       "type": "string"
      }
     },
     {
      "description": "At most this many (up to 80).",
      "in": "query",
      "name": "limit",
      "required": false,
      "schema": {
       "minimum": 1,
       "type": "integer"
      }
     },
     {
      "description": "Skip this many.",
      "in": "query",
      "name": "offset",
      "required": false,
      "schema": {
       "minimum": 0,
       "type": "integer"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "items": {
          "$ref": "#/components/schemas/Account"
         },
         "type": "array"
        }
       }
      },
      "description": "Accounts."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "read:accounts"
      ]
     }
    ],
    "summary": "Search accounts: an exact e-mail address finds a discoverable account (never another); anything else matches usernames by prefix.",
    "tags": [
     "accounts"
    ]
   }
  },
  "/api/v1/conversations": {
   "get": {
    "operationId": "getConversations",
    "parameters": [
     {
      "description": "Conversations whose last status is older than this id.",
      "in": "query",
      "name": "max_id",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "description": "Conversations whose last status is newer than this id.",
      "in": "query",
      "name": "since_id",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "description": "Conversations whose last status is immediately newer than this id.",
      "in": "query",
      "name": "min_id",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "description": "Page size (at most 40).",
      "in": "query",
      "name": "limit",
      "required": false,
      "schema": {
       "minimum": 1,
       "type": "integer"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "items": {
          "$ref": "#/components/schemas/Conversation"
         },
         "type": "array"
        }
       }
      },
      "description": "Conversations, newest last status first.",
      "headers": {
       "Link": {
        "description": "Mastodon's paging links (`next`, `prev`, by last status id) when the page is not empty.",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "read:statuses"
      ]
     }
    ],
    "summary": "The viewer's direct conversations, by newest last status.",
    "tags": [
     "timelines"
    ]
   }
  },
  "/api/v1/conversations/{id}": {
   "delete": {
    "operationId": "deleteConversation",
    "parameters": [
     {
      "description": "The conversation's id.",
      "in": "path",
      "name": "id",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Empty"
        }
       }
      },
      "description": "Removed."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "write:conversations"
      ]
     }
    ],
    "summary": "Remove a conversation for the viewer only (a later direct status in it brings it back).",
    "tags": [
     "timelines"
    ]
   }
  },
  "/api/v1/conversations/{id}/read": {
   "post": {
    "operationId": "readConversation",
    "parameters": [
     {
      "description": "The conversation's id.",
      "in": "path",
      "name": "id",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Conversation"
        }
       }
      },
      "description": "The conversation."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "write:conversations"
      ]
     }
    ],
    "summary": "Mark a conversation read.",
    "tags": [
     "timelines"
    ]
   }
  },
  "/api/v1/exports/following.csv": {
   "get": {
    "operationId": "exportFollowing",
    "responses": {
     "200": {
      "content": {
       "text/csv": {
        "schema": {
         "type": "string"
        }
       }
      },
      "description": "The CSV file."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "read:follows"
      ]
     }
    ],
    "summary": "Whom the viewer follows, as Mastodon's CSV (`Account address,Show boosts,Notify on new posts,Languages`).",
    "tags": [
     "accounts"
    ]
   }
  },
  "/api/v1/import": {
   "post": {
    "operationId": "importFollows",
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "properties": {
         "data": {
          "description": "The CSV file (at most 256 KB, 8,000 accounts).",
          "type": "string"
         },
         "mode": {
          "enum": [
           "merge",
           "overwrite"
          ],
          "type": "string"
         },
         "type": {
          "enum": [
           "following"
          ],
          "type": "string"
         }
        },
        "required": [
         "type",
         "data"
        ],
        "type": "object"
       }
      },
      "application/x-www-form-urlencoded": {
       "schema": {
        "properties": {
         "data": {
          "description": "The CSV file (at most 256 KB, 8,000 accounts).",
          "type": "string"
         },
         "mode": {
          "enum": [
           "merge",
           "overwrite"
          ],
          "type": "string"
         },
         "type": {
          "enum": [
           "following"
          ],
          "type": "string"
         }
        },
        "required": [
         "type",
         "data"
        ],
        "type": "object"
       }
      },
      "multipart/form-data": {
       "schema": {
        "properties": {
         "data": {
          "description": "The CSV file (at most 256 KB, 8,000 accounts).",
          "type": "string"
         },
         "mode": {
          "enum": [
           "merge",
           "overwrite"
          ],
          "type": "string"
         },
         "type": {
          "enum": [
           "following"
          ],
          "type": "string"
         }
        },
        "required": [
         "type",
         "data"
        ],
        "type": "object"
       }
      }
     }
    },
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/FollowImport"
        }
       }
      },
      "description": "The import, queued."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "write:follows"
      ]
     }
    ],
    "summary": "Import follows from a CSV file (Mastodon's following export, or one address per line); processed in the background by the workers. Only accounts of this instance (a bare username or `user@this-domain`) are followed; `overwrite` unfollows whom the file does not list.",
    "tags": [
     "accounts"
    ]
   }
  },
  "/api/v1/imports/{id}": {
   "get": {
    "operationId": "getImport",
    "parameters": [
     {
      "description": "The import's id.",
      "in": "path",
      "name": "id",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/FollowImport"
        }
       }
      },
      "description": "The import."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "read:follows"
      ]
     }
    ],
    "summary": "An import's progress (Starling's own route).",
    "tags": [
     "accounts"
    ]
   }
  },
  "/api/v1/streaming/direct": {
   "get": {
    "operationId": "streamDirect",
    "responses": {
     "200": {
      "content": {
       "text/event-stream": {
        "schema": {
         "type": "string"
        }
       }
      },
      "description": "Server-sent events, until the client leaves."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "read:statuses"
      ]
     }
    ],
    "summary": "Stream `Direct` (conversation events) as server-sent events.",
    "tags": [
     "streaming"
    ]
   }
  },
  "/api/v2/filters": {
   "get": {
    "operationId": "getFilters",
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "items": {
          "$ref": "#/components/schemas/Filter"
         },
         "type": "array"
        }
       }
      },
      "description": "Filters."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "read:filters"
      ]
     }
    ],
    "summary": "The viewer's filters (expired ones included).",
    "tags": [
     "filters"
    ]
   },
   "post": {
    "operationId": "createFilter",
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "properties": {
         "context": {
          "description": "Where the filter applies.",
          "items": {
           "enum": [
            "home",
            "notifications",
            "public",
            "thread",
            "account"
           ],
           "type": "string"
          },
          "type": "array"
         },
         "expires_in": {
          "description": "Seconds until the filter expires (60 to ~10 years); empty: never.",
          "type": [
           "integer",
           "string"
          ]
         },
         "filter_action": {
          "enum": [
           "warn",
           "hide"
          ],
          "type": "string"
         },
         "keywords_attributes": {
          "items": {
           "properties": {
            "_destroy": {
             "description": "Remove the keyword named by `id`.",
             "type": "boolean"
            },
            "id": {
             "description": "An existing keyword to change or remove (update only).",
             "type": "string"
            },
            "keyword": {
             "maxLength": 512,
             "type": "string"
            },
            "whole_word": {
             "type": "boolean"
            }
           },
           "type": "object"
          },
          "type": "array"
         },
         "title": {
          "maxLength": 256,
          "type": "string"
         }
        },
        "required": [
         "title",
         "context"
        ],
        "type": "object"
       }
      },
      "application/x-www-form-urlencoded": {
       "schema": {
        "properties": {
         "context": {
          "description": "Where the filter applies.",
          "items": {
           "enum": [
            "home",
            "notifications",
            "public",
            "thread",
            "account"
           ],
           "type": "string"
          },
          "type": "array"
         },
         "expires_in": {
          "description": "Seconds until the filter expires (60 to ~10 years); empty: never.",
          "type": [
           "integer",
           "string"
          ]
         },
         "filter_action": {
          "enum": [
           "warn",
           "hide"
          ],
          "type": "string"
         },
         "keywords_attributes": {
          "items": {
           "properties": {
            "_destroy": {
             "description": "Remove the keyword named by `id`.",
             "type": "boolean"
            },
            "id": {
             "description": "An existing keyword to change or remove (update only).",
             "type": "string"
            },
            "keyword": {
             "maxLength": 512,
             "type": "string"
            },
            "whole_word": {
             "type": "boolean"
            }
           },
           "type": "object"
          },
          "type": "array"
         },
         "title": {
          "maxLength": 256,
          "type": "string"
         }
        },
        "required": [
         "title",
         "context"
        ],
        "type": "object"
       }
      }
     }
    },
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Filter"
        }
       }
      },
      "description": "The filter."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "write:filters"
      ]
     }
    ],
    "summary": "Create a filter with its keywords.",
    "tags": [
     "filters"
    ]
   }
  },
  "/api/v2/filters/keywords/{id}": {
   "delete": {
    "operationId": "deleteFilterKeyword",
    "parameters": [
     {
      "description": "The keyword's id.",
      "in": "path",
      "name": "id",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Empty"
        }
       }
      },
      "description": "Removed."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "write:filters"
      ]
     }
    ],
    "summary": "Remove a keyword.",
    "tags": [
     "filters"
    ]
   },
   "get": {
    "operationId": "getFilterKeyword",
    "parameters": [
     {
      "description": "The keyword's id.",
      "in": "path",
      "name": "id",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/FilterKeyword"
        }
       }
      },
      "description": "The keyword."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "read:filters"
      ]
     }
    ],
    "summary": "One keyword of the viewer's filters.",
    "tags": [
     "filters"
    ]
   },
   "put": {
    "operationId": "updateFilterKeyword",
    "parameters": [
     {
      "description": "The keyword's id.",
      "in": "path",
      "name": "id",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "properties": {
         "keyword": {
          "maxLength": 512,
          "type": "string"
         },
         "whole_word": {
          "type": "boolean"
         }
        },
        "type": "object"
       }
      },
      "application/x-www-form-urlencoded": {
       "schema": {
        "properties": {
         "keyword": {
          "maxLength": 512,
          "type": "string"
         },
         "whole_word": {
          "type": "boolean"
         }
        },
        "type": "object"
       }
      }
     }
    },
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/FilterKeyword"
        }
       }
      },
      "description": "The keyword."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "write:filters"
      ]
     }
    ],
    "summary": "Change a keyword.",
    "tags": [
     "filters"
    ]
   }
  },
  "/api/v2/filters/statuses/{id}": {
   "delete": {
    "operationId": "deleteFilterStatus",
    "parameters": [
     {
      "description": "The filter status's id.",
      "in": "path",
      "name": "id",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Empty"
        }
       }
      },
      "description": "Removed."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "write:filters"
      ]
     }
    ],
    "summary": "Stop filtering a status.",
    "tags": [
     "filters"
    ]
   },
   "get": {
    "operationId": "getFilterStatus",
    "parameters": [
     {
      "description": "The filter status's id.",
      "in": "path",
      "name": "id",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/FilterStatus"
        }
       }
      },
      "description": "The filter status."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "read:filters"
      ]
     }
    ],
    "summary": "One filtered status of the viewer's filters.",
    "tags": [
     "filters"
    ]
   }
  },
  "/api/v2/filters/{id}": {
   "delete": {
    "operationId": "deleteFilter",
    "parameters": [
     {
      "description": "The filter's id.",
      "in": "path",
      "name": "id",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Empty"
        }
       }
      },
      "description": "Deleted."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "write:filters"
      ]
     }
    ],
    "summary": "Delete a filter.",
    "tags": [
     "filters"
    ]
   },
   "get": {
    "operationId": "getFilter",
    "parameters": [
     {
      "description": "The filter's id.",
      "in": "path",
      "name": "id",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Filter"
        }
       }
      },
      "description": "The filter."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "read:filters"
      ]
     }
    ],
    "summary": "One of the viewer's filters.",
    "tags": [
     "filters"
    ]
   },
   "put": {
    "operationId": "updateFilter",
    "parameters": [
     {
      "description": "The filter's id.",
      "in": "path",
      "name": "id",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "properties": {
         "context": {
          "description": "Where the filter applies.",
          "items": {
           "enum": [
            "home",
            "notifications",
            "public",
            "thread",
            "account"
           ],
           "type": "string"
          },
          "type": "array"
         },
         "expires_in": {
          "description": "Seconds until the filter expires (60 to ~10 years); empty: never.",
          "type": [
           "integer",
           "string"
          ]
         },
         "filter_action": {
          "enum": [
           "warn",
           "hide"
          ],
          "type": "string"
         },
         "keywords_attributes": {
          "items": {
           "properties": {
            "_destroy": {
             "description": "Remove the keyword named by `id`.",
             "type": "boolean"
            },
            "id": {
             "description": "An existing keyword to change or remove (update only).",
             "type": "string"
            },
            "keyword": {
             "maxLength": 512,
             "type": "string"
            },
            "whole_word": {
             "type": "boolean"
            }
           },
           "type": "object"
          },
          "type": "array"
         },
         "title": {
          "maxLength": 256,
          "type": "string"
         }
        },
        "type": "object"
       }
      },
      "application/x-www-form-urlencoded": {
       "schema": {
        "properties": {
         "context": {
          "description": "Where the filter applies.",
          "items": {
           "enum": [
            "home",
            "notifications",
            "public",
            "thread",
            "account"
           ],
           "type": "string"
          },
          "type": "array"
         },
         "expires_in": {
          "description": "Seconds until the filter expires (60 to ~10 years); empty: never.",
          "type": [
           "integer",
           "string"
          ]
         },
         "filter_action": {
          "enum": [
           "warn",
           "hide"
          ],
          "type": "string"
         },
         "keywords_attributes": {
          "items": {
           "properties": {
            "_destroy": {
             "description": "Remove the keyword named by `id`.",
             "type": "boolean"
            },
            "id": {
             "description": "An existing keyword to change or remove (update only).",
             "type": "string"
            },
            "keyword": {
             "maxLength": 512,
             "type": "string"
            },
            "whole_word": {
             "type": "boolean"
            }
           },
           "type": "object"
          },
          "type": "array"
         },
         "title": {
          "maxLength": 256,
          "type": "string"
         }
        },
        "type": "object"
       }
      }
     }
    },
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Filter"
        }
       }
      },
      "description": "The filter."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "write:filters"
      ]
     }
    ],
    "summary": "Change a filter; `keywords_attributes` adds, changes (`id`) or removes (`_destroy`) keywords.",
    "tags": [
     "filters"
    ]
   }
  },
  "/api/v2/filters/{id}/keywords": {
   "get": {
    "operationId": "getFilterKeywords",
    "parameters": [
     {
      "description": "The filter's id.",
      "in": "path",
      "name": "id",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "items": {
          "$ref": "#/components/schemas/FilterKeyword"
         },
         "type": "array"
        }
       }
      },
      "description": "Keywords."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "read:filters"
      ]
     }
    ],
    "summary": "A filter's keywords.",
    "tags": [
     "filters"
    ]
   },
   "post": {
    "operationId": "addFilterKeyword",
    "parameters": [
     {
      "description": "The filter's id.",
      "in": "path",
      "name": "id",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "properties": {
         "keyword": {
          "maxLength": 512,
          "type": "string"
         },
         "whole_word": {
          "type": "boolean"
         }
        },
        "required": [
         "keyword"
        ],
        "type": "object"
       }
      },
      "application/x-www-form-urlencoded": {
       "schema": {
        "properties": {
         "keyword": {
          "maxLength": 512,
          "type": "string"
         },
         "whole_word": {
          "type": "boolean"
         }
        },
        "required": [
         "keyword"
        ],
        "type": "object"
       }
      }
     }
    },
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/FilterKeyword"
        }
       }
      },
      "description": "The keyword."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "write:filters"
      ]
     }
    ],
    "summary": "Add a keyword to a filter.",
    "tags": [
     "filters"
    ]
   }
  },
  "/api/v2/filters/{id}/statuses": {
   "get": {
    "operationId": "getFilterStatuses",
    "parameters": [
     {
      "description": "The filter's id.",
      "in": "path",
      "name": "id",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "items": {
          "$ref": "#/components/schemas/FilterStatus"
         },
         "type": "array"
        }
       }
      },
      "description": "Filtered statuses."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "read:filters"
      ]
     }
    ],
    "summary": "The statuses a filter names.",
    "tags": [
     "filters"
    ]
   },
   "post": {
    "operationId": "addFilterStatus",
    "parameters": [
     {
      "description": "The filter's id.",
      "in": "path",
      "name": "id",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "properties": {
         "status_id": {
          "type": "string"
         }
        },
        "required": [
         "status_id"
        ],
        "type": "object"
       }
      },
      "application/x-www-form-urlencoded": {
       "schema": {
        "properties": {
         "status_id": {
          "type": "string"
         }
        },
        "required": [
         "status_id"
        ],
        "type": "object"
       }
      }
     }
    },
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/FilterStatus"
        }
       }
      },
      "description": "The filter status."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "write:filters"
      ]
     }
    ],
    "summary": "Filter one status (one the viewer may see).",
    "tags": [
     "filters"
    ]
   }
  }
 },
 "tags": [
  {
   "description": "Filters v2: keywords and statuses hidden or flagged in timelines.",
   "name": "filters"
  }
 ]
}
"""#
}
