extension OpenAPIDocument {
    /// The operations of this feature, merged into the served document (see `fragments`).
    static let relationships = #"""
{
 "paths": {
  "/api/v1/accounts/{id}/block": {
   "post": {
    "operationId": "blockAccount",
    "parameters": [
     {
      "description": "The account's id.",
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
         "$ref": "#/components/schemas/Relationship"
        }
       }
      },
      "description": "The relationship afterwards."
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
       "write:blocks"
      ]
     }
    ],
    "summary": "Block an account: follows both ways and pending requests end, and neither side sees the other's statuses or notifications.",
    "tags": [
     "accounts"
    ]
   }
  },
  "/api/v1/accounts/{id}/mute": {
   "post": {
    "operationId": "muteAccount",
    "parameters": [
     {
      "description": "The account's id.",
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
         "duration": {
          "description": "Seconds until the mute ends; 0 (default): until unmuted.",
          "minimum": 0,
          "type": "integer"
         },
         "notifications": {
          "description": "Hide their notifications too (default true).",
          "type": "boolean"
         }
        },
        "type": "object"
       }
      },
      "application/x-www-form-urlencoded": {
       "schema": {
        "properties": {
         "duration": {
          "description": "Seconds until the mute ends; 0 (default): until unmuted.",
          "minimum": 0,
          "type": "integer"
         },
         "notifications": {
          "description": "Hide their notifications too (default true).",
          "type": "boolean"
         }
        },
        "type": "object"
       }
      }
     },
     "required": false
    },
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Relationship"
        }
       }
      },
      "description": "The relationship afterwards."
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
       "write:mutes"
      ]
     }
    ],
    "summary": "Mute an account: its statuses and reblogs leave the home timeline and listings; the follow stays.",
    "tags": [
     "accounts"
    ]
   }
  },
  "/api/v1/accounts/{id}/unblock": {
   "post": {
    "operationId": "unblockAccount",
    "parameters": [
     {
      "description": "The account's id.",
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
         "$ref": "#/components/schemas/Relationship"
        }
       }
      },
      "description": "The relationship afterwards."
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
       "write:blocks"
      ]
     }
    ],
    "summary": "Unblock an account.",
    "tags": [
     "accounts"
    ]
   }
  },
  "/api/v1/accounts/{id}/unmute": {
   "post": {
    "operationId": "unmuteAccount",
    "parameters": [
     {
      "description": "The account's id.",
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
         "$ref": "#/components/schemas/Relationship"
        }
       }
      },
      "description": "The relationship afterwards."
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
       "write:mutes"
      ]
     }
    ],
    "summary": "Unmute an account.",
    "tags": [
     "accounts"
    ]
   }
  },
  "/api/v1/blocks": {
   "get": {
    "operationId": "blockedAccounts",
    "parameters": [
     {
      "description": "Entries older than this id.",
      "in": "query",
      "name": "max_id",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "description": "Entries newer than this id.",
      "in": "query",
      "name": "since_id",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "description": "Entries immediately newer than this id.",
      "in": "query",
      "name": "min_id",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "description": "Page size (capped by the call's maximum).",
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
          "$ref": "#/components/schemas/Account"
         },
         "type": "array"
        }
       }
      },
      "description": "Accounts, most recently blocked first.",
      "headers": {
       "Link": {
        "description": "Mastodon's paging links (`next`, `prev`) when the page is not empty.",
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
       "read:blocks"
      ]
     }
    ],
    "summary": "Accounts the user blocks.",
    "tags": [
     "accounts"
    ]
   }
  },
  "/api/v1/follow_requests": {
   "get": {
    "operationId": "followRequests",
    "parameters": [
     {
      "description": "Entries older than this id.",
      "in": "query",
      "name": "max_id",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "description": "Entries newer than this id.",
      "in": "query",
      "name": "since_id",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "description": "Entries immediately newer than this id.",
      "in": "query",
      "name": "min_id",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "description": "Page size (capped by the call's maximum).",
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
          "$ref": "#/components/schemas/Account"
         },
         "type": "array"
        }
       }
      },
      "description": "Accounts, most recent request first.",
      "headers": {
       "Link": {
        "description": "Mastodon's paging links (`next`, `prev`) when the page is not empty.",
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
    "summary": "Accounts waiting for the user's approval to follow (locked accounts).",
    "tags": [
     "accounts"
    ]
   }
  },
  "/api/v1/follow_requests/{id}/authorize": {
   "post": {
    "operationId": "authorizeFollowRequest",
    "parameters": [
     {
      "description": "The requesting account's id.",
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
         "$ref": "#/components/schemas/Relationship"
        }
       }
      },
      "description": "The relationship with the requester afterwards."
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
    "summary": "Approve a follow request: the requester follows the user.",
    "tags": [
     "accounts"
    ]
   }
  },
  "/api/v1/follow_requests/{id}/reject": {
   "post": {
    "operationId": "rejectFollowRequest",
    "parameters": [
     {
      "description": "The requesting account's id.",
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
         "$ref": "#/components/schemas/Relationship"
        }
       }
      },
      "description": "The relationship with the requester afterwards."
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
    "summary": "Reject a follow request.",
    "tags": [
     "accounts"
    ]
   }
  },
  "/api/v1/mutes": {
   "get": {
    "operationId": "mutedAccounts",
    "parameters": [
     {
      "description": "Entries older than this id.",
      "in": "query",
      "name": "max_id",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "description": "Entries newer than this id.",
      "in": "query",
      "name": "since_id",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "description": "Entries immediately newer than this id.",
      "in": "query",
      "name": "min_id",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "description": "Page size (capped by the call's maximum).",
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
          "$ref": "#/components/schemas/Account"
         },
         "type": "array"
        }
       }
      },
      "description": "Accounts, most recently muted first.",
      "headers": {
       "Link": {
        "description": "Mastodon's paging links (`next`, `prev`) when the page is not empty.",
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
       "read:mutes"
      ]
     }
    ],
    "summary": "Accounts the user mutes (mutes in force).",
    "tags": [
     "accounts"
    ]
   }
  }
 }
}
"""#
}
