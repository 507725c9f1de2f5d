extension OpenAPIDocument {
    /// The operations of this feature, merged into the served document (see `fragments`).
    static let media = #"""
{
 "tags": [
  {
   "name": "media",
   "description": "Image attachments: upload, processing, files."
  }
 ],
 "components": {
  "schemas": {
   "MediaAttachment": {
    "type": "object",
    "description": "Mastodon's MediaAttachment (images only). `url` and `preview_url` are null while the upload is processed.",
    "properties": {
     "id": {
      "type": "string"
     },
     "type": {
      "type": "string",
      "enum": [
       "image"
      ]
     },
     "url": {
      "type": [
       "string",
       "null"
      ]
     },
     "preview_url": {
      "type": [
       "string",
       "null"
      ]
     },
     "remote_url": {
      "type": [
       "string",
       "null"
      ]
     },
     "preview_remote_url": {
      "type": [
       "string",
       "null"
      ]
     },
     "text_url": {
      "type": [
       "string",
       "null"
      ]
     },
     "meta": {
      "type": "object",
      "properties": {
       "original": {
        "type": "object",
        "properties": {
         "width": {
          "type": "integer"
         },
         "height": {
          "type": "integer"
         },
         "size": {
          "type": "string"
         },
         "aspect": {
          "type": "number"
         }
        },
        "required": [
         "width",
         "height",
         "size",
         "aspect"
        ]
       },
       "small": {
        "type": "object",
        "properties": {
         "width": {
          "type": "integer"
         },
         "height": {
          "type": "integer"
         },
         "size": {
          "type": "string"
         },
         "aspect": {
          "type": "number"
         }
        },
        "required": [
         "width",
         "height",
         "size",
         "aspect"
        ]
       },
       "focus": {
        "type": "object",
        "properties": {
         "x": {
          "type": "number"
         },
         "y": {
          "type": "number"
         }
        },
        "required": [
         "x",
         "y"
        ]
       }
      },
      "required": [
       "focus"
      ]
     },
     "description": {
      "type": [
       "string",
       "null"
      ]
     },
     "blurhash": {
      "type": [
       "string",
       "null"
      ]
     }
    },
    "required": [
     "id",
     "type",
     "url",
     "preview_url",
     "remote_url",
     "preview_remote_url",
     "text_url",
     "meta",
     "description",
     "blurhash"
    ]
   }
  }
 },
 "paths": {
  "/api/v2/media": {
   "post": {
    "operationId": "uploadMediaAsync",
    "summary": "Upload an image, processed by a worker: 200 when it was ready within moments, 202 (null url) while it is still processed.",
    "tags": [
     "media"
    ],
    "security": [
     {
      "OAuth2": [
       "write:media"
      ]
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "multipart/form-data": {
       "schema": {
        "type": "object",
        "properties": {
         "file": {
          "type": "string",
          "contentMediaType": "application/octet-stream",
          "description": "The image: JPEG, PNG, WebP, GIF or HEIC, judged from its bytes (at most 16 MB by default, 7680×4320 pixels). Video and audio are refused."
         },
         "thumbnail": {
          "type": "string",
          "contentMediaType": "application/octet-stream",
          "description": "Ignored (images make their own preview)."
         },
         "description": {
          "type": "string",
          "maxLength": 1500
         },
         "focus": {
          "type": "string",
          "description": "\"x,y\", each from -1.0 to 1.0."
         }
        },
        "required": [
         "file"
        ]
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "The processed attachment.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/MediaAttachment"
        }
       }
      }
     },
     "202": {
      "description": "Accepted; still being processed.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/MediaAttachment"
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
    }
   }
  },
  "/api/v1/media": {
   "post": {
    "operationId": "uploadMedia",
    "summary": "Upload an image, processed before the answer.",
    "tags": [
     "media"
    ],
    "security": [
     {
      "OAuth2": [
       "write:media"
      ]
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "multipart/form-data": {
       "schema": {
        "type": "object",
        "properties": {
         "file": {
          "type": "string",
          "contentMediaType": "application/octet-stream",
          "description": "The image: JPEG, PNG, WebP, GIF or HEIC, judged from its bytes (at most 16 MB by default, 7680×4320 pixels). Video and audio are refused."
         },
         "thumbnail": {
          "type": "string",
          "contentMediaType": "application/octet-stream",
          "description": "Ignored (images make their own preview)."
         },
         "description": {
          "type": "string",
          "maxLength": 1500
         },
         "focus": {
          "type": "string",
          "description": "\"x,y\", each from -1.0 to 1.0."
         }
        },
        "required": [
         "file"
        ]
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "The processed attachment.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/MediaAttachment"
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
    }
   }
  },
  "/api/v1/media/{id}": {
   "get": {
    "operationId": "getMedia",
    "summary": "One's own attachment: 206 while processed, 200 when ready, 422 if processing failed.",
    "tags": [
     "media"
    ],
    "security": [
     {
      "OAuth2": [
       "write:media"
      ]
     }
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The attachment's id."
     }
    ],
    "responses": {
     "200": {
      "description": "Ready.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/MediaAttachment"
        }
       }
      }
     },
     "206": {
      "description": "Still being processed.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/MediaAttachment"
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
    }
   },
   "put": {
    "operationId": "updateMedia",
    "summary": "Change the description or focus of one's own attachment not yet attached.",
    "tags": [
     "media"
    ],
    "security": [
     {
      "OAuth2": [
       "write:media"
      ]
     }
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The attachment's id."
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "properties": {
         "description": {
          "type": "string",
          "maxLength": 1500
         },
         "focus": {
          "type": "string",
          "description": "\"x,y\", each from -1.0 to 1.0."
         }
        }
       }
      },
      "application/x-www-form-urlencoded": {
       "schema": {
        "type": "object",
        "properties": {
         "description": {
          "type": "string",
          "maxLength": 1500
         },
         "focus": {
          "type": "string",
          "description": "\"x,y\", each from -1.0 to 1.0."
         }
        }
       }
      },
      "multipart/form-data": {
       "schema": {
        "type": "object",
        "properties": {
         "description": {
          "type": "string",
          "maxLength": 1500
         },
         "focus": {
          "type": "string",
          "description": "\"x,y\", each from -1.0 to 1.0."
         }
        }
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "Updated.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/MediaAttachment"
        }
       }
      }
     },
     "206": {
      "description": "Updated; still being processed.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/MediaAttachment"
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
    }
   },
   "delete": {
    "operationId": "deleteMedia",
    "summary": "Delete one's own attachment not yet attached.",
    "tags": [
     "media"
    ],
    "security": [
     {
      "OAuth2": [
       "write:media"
      ]
     }
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The attachment's id."
     }
    ],
    "responses": {
     "200": {
      "description": "Deleted.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/MediaAttachment"
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
    }
   }
  },
  "/media/{a}/{b}/{file}": {
   "get": {
    "operationId": "mediaFile",
    "summary": "A stored file (content-addressed: ETag is its hash, cached for a year; one byte range answers 206).",
    "tags": [
     "media"
    ],
    "security": [
     {}
    ],
    "parameters": [
     {
      "name": "a",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "b",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "file",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "Range",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "One byte range, as `bytes=0-99`."
     },
     {
      "name": "If-None-Match",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "The file.",
      "content": {
       "image/jpeg": {
        "schema": {
         "type": "string",
         "contentMediaType": "image/jpeg"
        }
       },
       "image/png": {
        "schema": {
         "type": "string",
         "contentMediaType": "image/png"
        }
       }
      }
     },
     "206": {
      "description": "The requested range.",
      "content": {
       "image/jpeg": {
        "schema": {
         "type": "string"
        }
       },
       "image/png": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "304": {
      "description": "Not modified."
     },
     "416": {
      "description": "The range is outside the file."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  }
 }
}
"""#
}
